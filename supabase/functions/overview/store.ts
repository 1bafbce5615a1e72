// Overview reads as the caller; the heavy lifting is SQL (private.match_overview /
// match_coverage).
import type { Tx } from '../_shared/db.ts'
import { orgLookup } from '../_shared/sql.ts'

export const mediaOrg = orgLookup('media_assets', 'Video not found.')

/**
 * Not cached: it must show a narration the moment it is saved, and with the match_stats
 * aggregates the SQL costs under 5 ms p95 at one-year scale (bench/db).
 */
export async function matchOverview(tx: Tx, id: string, previous: number) {
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
}

/** The org's last 100 matches, newest first, with their narration coverage (MEDIA-5). */
export function coverageList(tx: Tx, orgId: string) {
  return tx`
    select a.id as media_asset_id, a.name, a.created_at, c.narration_count,
           c.largest_gap_minutes::float8 as largest_gap_minutes
    from public.media_assets a cross join lateral private.match_coverage(a.id) c
    where a.org_id = ${orgId} and a.kind = 'match'
    order by a.created_at desc limit 100`
}

/** The dashboard's 10 latest matches: coverage and status. */
export function recentMatches(tx: Tx, orgId: string) {
  return tx`
    select a.id as media_asset_id, a.name, a.status::text as status, a.created_at,
           c.narration_count, c.largest_gap_minutes::float8 as largest_gap_minutes
    from public.media_assets a cross join lateral private.match_coverage(a.id) c
    where a.org_id = ${orgId} and a.kind = 'match'
    order by a.created_at desc limit 10`
}

/** Assignment completion over the last 30 days. */
export async function assignmentCompletion(tx: Tx, orgId: string) {
  const [completion] = await tx<{ recipients: number; completed: number; started: number }[]>`
    select count(*)::int as recipients,
           count(*) filter (where p.completed_at is not null)::int as completed,
           count(*) filter (where p.completed_at is null and (p.started_at is not null
                            or cardinality(p.completed_segment_ids) > 0))::int as started
    from public.assignment_progress p
    join public.assignments a on a.id = p.assignment_id
    where a.org_id = ${orgId} and a.created_at >= now() - interval '30 days'`
  return {
    recipients: completion?.recipients ?? 0,
    completed: completion?.completed ?? 0,
    inProgress: completion?.started ?? 0,
    rate:
      completion && completion.recipients > 0 ? completion.completed / completion.recipients : null,
  }
}
