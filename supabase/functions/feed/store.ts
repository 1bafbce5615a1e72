// The player's own rows, read and written as the caller (RLS: a player sees their own progress
// and sessions).
import type { Tx } from '../_shared/db.ts'
import { orgOf } from '../_shared/sql.ts'

export interface InboxRow {
  id: string
  title: string
  description: string | null
  due_at: Date | null
  completed_at: Date | null
  started_at: Date | null
  done: number
  total: number
  via: string[]
}

/** The caller's assignments in the org, open ones first, with how each reached them. */
export function inbox(tx: Tx, orgId: string, userId: string) {
  return tx<InboxRow[]>`
    select a.id, a.title, a.description, a.due_at, p.completed_at, p.started_at,
           cardinality(p.completed_segment_ids) as done,
           (select count(*)::int from public.assignment_segments s where s.assignment_id = a.id) as total,
           coalesce((select array_agg(distinct t.target_type::text) from public.assignment_targets t
                     where t.assignment_id = a.id and (t.target_type = 'team'
                       or t.user_id = ${userId}
                       or t.group_id in (select gm.group_id from public.group_members gm where gm.user_id = ${userId}))),
                    '{}') as via
    from public.assignment_progress p
    join public.assignments a on a.id = p.assignment_id
    where p.user_id = ${userId} and a.org_id = ${orgId}
    order by (p.completed_at is not null), a.due_at nulls last, a.created_at desc`
}

/** Segments whose tags name the caller. */
export function moments(tx: Tx, orgId: string, userId: string) {
  return tx`
    select s.id as segment_id, s.media_asset_id, a.name as media_name,
           s.start_seconds::float8 as start_seconds, s.end_seconds::float8 as end_seconds,
           s.title, t.source as tagged_by
    from public.segment_tags t
    join public.segments s on s.id = t.segment_id
    join public.media_assets a on a.id = s.media_asset_id
    where t.org_id = ${orgId} and t.tagged_user_id = ${userId}
    order by a.created_at desc, s.start_seconds
    limit 200`
}

export async function recordWatch(
  tx: Tx,
  assignmentId: string,
  segmentId: string,
  fraction: number,
) {
  const [row] = await tx<
    { completed_segment_ids: string[]; completed_at: Date | null; started_at: Date | null }[]
  >`select completed_segment_ids, completed_at, started_at
    from private.record_segment_watch(${assignmentId}, ${segmentId}, ${fraction})`
  return row!
}

export async function startSession(
  tx: Tx,
  s: { userId: string; mediaAssetId: string; segmentId?: string; assignmentId?: string },
) {
  const orgId = await orgOf(tx, 'media_assets', s.mediaAssetId, 'Video not found.')
  const [row] = await tx`
    insert into public.viewing_sessions (org_id, user_id, media_asset_id, segment_id, assignment_id)
    values (${orgId}, ${s.userId}, ${s.mediaAssetId}, ${s.segmentId ?? null},
            ${s.assignmentId ?? null})
    returning id, started_at`
  return row
}

/** Watched seconds only grow; `ended` stamps the end. Undefined when not the caller's session. */
export async function updateSession(
  tx: Tx,
  id: string,
  userId: string,
  u: { watchedSeconds: number; ended?: boolean },
) {
  const [row] = await tx`
    update public.viewing_sessions set watched_seconds = greatest(watched_seconds, ${u.watchedSeconds}),
           ended_at = case when ${u.ended ?? false} then now() else ended_at end
    where id = ${id} and user_id = ${userId}
    returning id, watched_seconds, ended_at`
  return row
}
