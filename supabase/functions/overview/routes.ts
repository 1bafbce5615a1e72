// `overview`: match overview (OV-1), coverage per match (MEDIA-5) and the manager dashboard
// (OV-2). The heavy lifting is SQL (private.match_overview / match_coverage) run as the caller.
import { z } from 'zod'
import { readAsUser } from '../_shared/db.ts'
import { json, OrgQuery, parseQuery, uuidParam } from '../_shared/http.ts'
import { orgList, requireOrgRole, withOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import * as store from './store.ts'

const MatchQuery = z.object({ previous: z.coerce.number().int().min(1).max(20).default(5) })

export const overviewRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/match/:mediaAssetId',
    handler: async ({ params, url, user, logOrg }) => {
      const id = uuidParam(params.mediaAssetId)
      const { previous } = parseQuery(url, MatchQuery)
      const result = await readAsUser(user, async (tx) => {
        const orgId = await store.mediaOrg(id)(tx)
        logOrg(orgId)
        await requireOrgRole(tx, orgId, 'member')
        return await store.matchOverview(tx, id, previous)
      })
      return json(result)
    },
  },
  { method: 'GET', pattern: '/coverage', handler: orgList('member', store.coverageList) },
  {
    method: 'GET',
    pattern: '/dashboard',
    handler: async ({ url, user }) => {
      const { orgId } = parseQuery(url, OrgQuery)
      const result = await withOrgRole(readAsUser, user, orgId, 'manager', async (tx) => ({
        recentMatches: await store.recentMatches(tx, orgId),
        assignmentCompletion: await store.assignmentCompletion(tx, orgId),
      }))
      return json(result)
    },
  },
]
