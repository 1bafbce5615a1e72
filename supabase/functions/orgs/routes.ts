// `orgs`: create, read and edit orgs; join codes; members; usage and stats; org requests
// (ORG-1…ORG-6). Permission rules are the database's; handlers shape input and output.
import { z } from 'zod'
import { getCached, invalidate, keys, TTL } from '../_shared/cache.ts'
import { asUser, readAsUser } from '../_shared/db.ts'
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
import { ORG_COLUMNS, type OrgRow, toOrg } from './serialize.ts'
import { orgStats, storageUsage } from './usage.ts'

const OrgName = z.string().trim().min(2, 'at least 2 characters').max(120, 'at most 120 characters')
const OrgType = z.enum(['team', 'academy', 'personal'])
const Role = z.enum(['owner', 'manager', 'staff', 'member'])

const CreateOrg = z.object({ name: OrgName, type: OrgType }).strict()
const UpdateOrg = z
  .object({
    name: OrgName.optional(),
    bio: z.string().trim().max(2000).nullable().optional(),
    visibility: z.enum(['private', 'public']).optional(),
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

async function loadOrg(orgId: string, tx: Parameters<Parameters<typeof readAsUser>[1]>[0]) {
  return await getCached(keys.org(orgId, 'org'), TTL.org, async () => {
    const [row] = await tx.unsafe<OrgRow[]>(
      `select ${ORG_COLUMNS} from public.organizations o where o.id = $1`,
      [orgId],
    )
    return row ? toOrg(row) : undefined
  })
}

export const orgRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user, logOrg }) => {
      const input = await parseBody(req, CreateOrg)
      // private.create_organization makes the org, its join code and the caller's owner
      // membership in one transaction; as an end user the caller can only create their own.
      const row = await asUser(user, async (tx) => {
        const [created] = await tx<{ id: string }[]>`
          select id from private.create_organization(${input.name}, ${input.type}::public.org_type)`
        const [org] = await tx.unsafe<OrgRow[]>(
          `select ${ORG_COLUMNS} from public.organizations o where o.id = $1`,
          [created!.id],
        )
        return org!
      })
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
      const rows = await readAsUser(
        user,
        (tx) => tx`
          select id, name, type::text as type, message, status::text as status, review_notes,
                 reviewed_at, org_id, created_at
          from public.org_requests where requested_by = ${user.id} order by created_at desc`,
      )
      return json({ requests: rows })
    },
  },
  {
    method: 'POST',
    pattern: '/requests',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, OrgRequest)
      const [row] = await asUser(
        user,
        (tx) => tx`
          insert into public.org_requests (requested_by, name, type, message)
          values (${user.id}, ${input.name}, ${input.type}::public.org_type, ${input.message ?? null})
          returning id, name, type::text as type, message, status::text as status, created_at`,
      )
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
        const [org] = await tx.unsafe<OrgRow[]>(
          `update public.organizations o set
             name = coalesce($2, o.name),
             bio = case when $3 then $4 else o.bio end,
             visibility = coalesce($5::public.org_visibility, o.visibility)
           where o.id = $1 returning ${ORG_COLUMNS}`,
          [
            orgId,
            patch.name ?? null,
            patch.bio !== undefined,
            patch.bio ?? null,
            patch.visibility ?? null,
          ],
        )
        return org
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
