// `orgs`: create (skeleton), read with the caller's role. Membership, join codes, usage and stats
// extend this router.
import { z } from 'zod'
import { getCached, invalidate, keys, TTL } from '../_shared/cache.ts'
import { asService, readAsUser } from '../_shared/db.ts'
import { json, notFound, parseBody, uuidParam } from '../_shared/http.ts'
import { standingIn } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import { createOrgWithOwner } from './create.ts'
import { ORG_COLUMNS, type OrgRow, toOrg } from './serialize.ts'

const CreateOrg = z
  .object({
    name: z.string().trim().min(2, 'at least 2 characters').max(120, 'at most 120 characters'),
    type: z.enum(['team', 'academy', 'personal']),
  })
  .strict()

export const orgRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user, logOrg }) => {
      const input = await parseBody(req, CreateOrg)
      // Only platform admins may insert organizations under RLS; self-service creation is a
      // named privileged step acting for the caller, who becomes the owner.
      const row = await asService(
        'create-org-with-owner',
        (tx) => createOrgWithOwner(tx, { ...input, ownerId: user.id }),
        user.id,
      )
      logOrg(row.id)
      await invalidate(keys.user(user.id, 'me'))
      return json({ org: toOrg(row) }, 201)
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
        const org = await getCached(keys.org(orgId, 'org'), TTL.org, async () => {
          const [row] = await tx.unsafe<OrgRow[]>(
            `select ${ORG_COLUMNS} from public.organizations o where o.id = $1`,
            [orgId],
          )
          return row ? toOrg(row) : undefined
        })
        return org ? { org, role: standing.role } : undefined
      })
      if (!result) throw notFound('Organization not found.')
      return json(result)
    },
  },
]
