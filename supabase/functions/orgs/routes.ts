// `orgs`: create, read and edit orgs; join codes; members; usage and stats; org requests
// (ORG-1…ORG-6). Permission rules are the database's; handlers shape input and output.
import { z } from 'zod'
import { ORG_ROLES, ORG_TYPES, ORG_VISIBILITIES } from '../../../contracts/enums.ts'
import { getCached, invalidate, keys, TTL } from '../_shared/cache.ts'
import { asUser, readAsUser, type Tx } from '../_shared/db.ts'
import { json, noContent, notFound, parseBody, uuidParam } from '../_shared/http.ts'
import { requireOrgRole, standingIn } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import {
  addMember,
  changeRole,
  joinByCode,
  joinCode,
  leave,
  listMembers,
  refreshJoinCode,
  removeMember,
  transferOwnership,
} from './members.ts'
import { toOrg } from './serialize.ts'
import * as store from './store.ts'
import { orgStats, storageUsage } from './usage.ts'

const OrgName = z.string().trim().min(2, 'at least 2 characters').max(120, 'at most 120 characters')
const OrgType = z.enum(ORG_TYPES)
const Role = z.enum(ORG_ROLES)

const CreateOrg = z.object({ name: OrgName, type: OrgType }).strict()
const UpdateOrg = z
  .object({
    name: OrgName.optional(),
    bio: z.string().trim().max(2000).nullable().optional(),
    visibility: z.enum(ORG_VISIBILITIES).optional(),
  })
  .strict()
const JoinBody = z
  .object({ code: z.string().trim().toUpperCase().max(32, 'at most 32 characters') })
  .strict()
const AddMember = z
  .object({
    username: z.string().trim().toLowerCase().min(3).max(24),
    role: Role.exclude(['owner']).default('member'),
  })
  .strict()
const ChangeRole = z.object({ role: Role }).strict()
const Transfer = z.object({ userId: z.uuid() }).strict()
const OrgRequest = z
  .object({ name: OrgName, type: OrgType, message: z.string().trim().max(2000).optional() })
  .strict()

async function loadOrg(orgId: string, tx: Tx) {
  return await getCached(keys.org(orgId, 'org'), TTL.org, async () => {
    const row = await store.orgById(tx, orgId)
    return row ? toOrg(row) : undefined
  })
}

export const orgRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user, logOrg }) => {
      const input = await parseBody(req, CreateOrg)
      const row = await asUser(user, (tx) => store.createOrg(tx, input.name, input.type))
      logOrg(row.id)
      await invalidate(keys.user(user.id, 'me'))
      return json({ org: toOrg(row) }, 201)
    },
  },
  {
    method: 'POST',
    pattern: '/join',
    handler: async ({ req, user, logOrg }) => {
      const { code } = await parseBody(req, JoinBody)
      const membership = await joinByCode(user, code)
      logOrg(membership.orgId)
      return json(membership)
    },
  },
  {
    method: 'GET',
    pattern: '/requests',
    handler: async ({ user }) => {
      const rows = await readAsUser(user, (tx) => store.requestsBy(tx, user.id))
      return json({ requests: rows })
    },
  },
  {
    method: 'POST',
    pattern: '/requests',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, OrgRequest)
      const row = await asUser(user, (tx) => store.insertRequest(tx, user.id, input))
      return json({ request: row }, 201)
    },
  },
  {
    method: 'GET',
    pattern: '/:orgId',
    handler: async ({ params, user, logOrg }) => {
      const orgId = uuidParam(params.orgId)
      logOrg(orgId)
      const result = await readAsUser(user, async (tx) => {
        const standing = await standingIn(tx, orgId)
        if (!standing.role && standing.platformRole !== 'admin') return undefined
        const org = await loadOrg(orgId, tx)
        return org ? { org, role: standing.role } : undefined
      })
      if (!result) throw notFound('Organization not found.')
      return json(result)
    },
  },
  {
    method: 'PATCH',
    pattern: '/:orgId',
    handler: async ({ req, params, user, logOrg }) => {
      const orgId = uuidParam(params.orgId)
      logOrg(orgId)
      const patch = await parseBody(req, UpdateOrg)
      const row = await asUser(user, async (tx) => {
        await requireOrgRole(tx, orgId, 'owner')
        return await store.updateOrg(tx, orgId, patch)
      })
      if (!row) throw notFound('Organization not found.')
      await invalidate(keys.org(orgId, 'org'))
      return json({ org: toOrg(row) })
    },
  },
  {
    method: 'GET',
    pattern: '/:orgId/join-code',
    handler: async ({ params, user }) => json(await joinCode(user, uuidParam(params.orgId))),
  },
  {
    method: 'POST',
    pattern: '/:orgId/join-code',
    handler: async ({ params, user }) => json(await refreshJoinCode(user, uuidParam(params.orgId))),
  },
  {
    method: 'GET',
    pattern: '/:orgId/members',
    handler: async ({ params, url, user }) => {
      const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100) || undefined
      return json({ members: await listMembers(user, uuidParam(params.orgId), q) })
    },
  },
  {
    method: 'POST',
    pattern: '/:orgId/members',
    handler: async ({ req, params, user }) => {
      const input = await parseBody(req, AddMember)
      const member = await addMember(user, uuidParam(params.orgId), input.username, input.role)
      return json({ member }, 201)
    },
  },
  {
    method: 'PATCH',
    pattern: '/:orgId/members/:userId',
    handler: async ({ req, params, user }) => {
      const { role } = await parseBody(req, ChangeRole)
      const member = await changeRole(user, uuidParam(params.orgId), uuidParam(params.userId), role)
      return json({ member })
    },
  },
  {
    method: 'DELETE',
    pattern: '/:orgId/members/:userId',
    handler: async ({ params, user }) => {
      await removeMember(user, uuidParam(params.orgId), uuidParam(params.userId))
      return noContent()
    },
  },
  {
    method: 'POST',
    pattern: '/:orgId/leave',
    handler: async ({ params, user }) => {
      await leave(user, uuidParam(params.orgId))
      return noContent()
    },
  },
  {
    method: 'POST',
    pattern: '/:orgId/transfer-ownership',
    handler: async ({ req, params, user }) => {
      const { userId } = await parseBody(req, Transfer)
      await transferOwnership(user, uuidParam(params.orgId), userId)
      return noContent()
    },
  },
  {
    method: 'GET',
    pattern: '/:orgId/usage',
    handler: async ({ params, user }) => json(await storageUsage(user, uuidParam(params.orgId))),
  },
  {
    method: 'GET',
    pattern: '/:orgId/stats',
    handler: async ({ params, user }) =>
      json({ stats: await orgStats(user, uuidParam(params.orgId)) }),
  },
]
