// `overview`: match overview (OV-1), coverage per match (MEDIA-5) and the manager dashboard
// (OV-2). The heavy lifting is SQL (private.match_overview / match_coverage) run as the caller.
import { z } from 'zod'
import { readAsUser } from '../_shared/db.ts'
import { json, notFound, parseQuery, uuidParam } from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'

const OrgQuery = z.object({ orgId: z.uuid({ message: 'must be a UUID' }) })
const MatchQuery = z.object({ previous: z.coerce.number().int().min(1).max(20).default(5) })

export const overviewRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/match/:mediaAssetId',
    handler: async ({ params, url, user, logOrg }) => {
      const id = uuidParam(params.mediaAssetId)
      const { previous } = parseQuery(url, MatchQuery)
      const result = await readAsUser(user, async (tx) => {
        const [media] = await tx<
          { org_id: string }[]
        >`select org_id from public.media_assets where id = ${id}`
        if (!media) throw notFound('Video not found.')
        logOrg(media.org_id)
        await requireOrgRole(tx, media.org_id, 'member')
        // Not cached: it must show a narration the moment it is saved, and with the match_stats
        // aggregates the SQL costs under 5 ms p95 at one-year scale (bench/db).
        const [row] = await tx<{ overview: Record<string, unknown> }[]>`
          select private.match_overview(${id}, ${previous}) as overview`
        const [coverage] = await tx<{ narration_count: number; largest_gap_minutes: string }[]>`
          select * from private.match_coverage(${id})`
        return {
          overview: row!.overview,
          coverage: {
            narrationCount: coverage?.narration_count ?? 0,
            largestGapMinutes: Number(coverage?.largest_gap_minutes ?? 0),
          },
        }
      })
      return json(result)
    },
  },
  {
    method: 'GET',
    pattern: '/coverage',
    handler: async ({ url, user }) => {
      const { orgId } = parseQuery(url, OrgQuery)
      const items = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, orgId, 'member')
        return await tx`
          select a.id as media_asset_id, a.name, a.created_at, c.narration_count,
                 c.largest_gap_minutes::float8 as largest_gap_minutes
          from public.media_assets a cross join lateral private.match_coverage(a.id) c
          where a.org_id = ${orgId} and a.kind = 'match'
          order by a.created_at desc limit 100`
      })
      return json({ items })
    },
  },
  {
    method: 'GET',
    pattern: '/dashboard',
    handler: async ({ url, user }) => {
      const { orgId } = parseQuery(url, OrgQuery)
      const result = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, orgId, 'manager')
        const matches = await tx`
          select a.id as media_asset_id, a.name, a.status::text as status, a.created_at,
                 c.narration_count, c.largest_gap_minutes::float8 as largest_gap_minutes
          from public.media_assets a cross join lateral private.match_coverage(a.id) c
          where a.org_id = ${orgId} and a.kind = 'match'
          order by a.created_at desc limit 10`
        const [completion] = await tx<{ recipients: number; completed: number; started: number }[]>`
          select count(*)::int as recipients,
                 count(*) filter (where p.completed_at is not null)::int as completed,
                 count(*) filter (where p.completed_at is null and (p.started_at is not null
                                  or cardinality(p.completed_segment_ids) > 0))::int as started
          from public.assignment_progress p
          join public.assignments a on a.id = p.assignment_id
          where a.org_id = ${orgId} and a.created_at >= now() - interval '30 days'`
        return {
          recentMatches: matches,
          assignmentCompletion: {
            recipients: completion?.recipients ?? 0,
            completed: completion?.completed ?? 0,
            inProgress: completion?.started ?? 0,
            rate:
              completion && completion.recipients > 0
                ? completion.completed / completion.recipients
                : null,
          },
        }
      })
      return json(result)
    },
  },
]
