// Segment reads and writes as the caller (RLS: members read; staff write; members may create
// their own 'member' segments).
import type { Tx } from '../_shared/db.ts'
import { notFound } from '../_shared/http.ts'
import type { Candidate, Source } from './rules.ts'

export interface SegmentRow {
  id: string
  org_id: string
  media_asset_id: string
  start_seconds: string
  end_seconds: string
  source: Source
  title: string | null
  created_by: string | null
  created_at: Date
  updated_at: Date
  narration_count: number
  tags: Array<{ id: string; type: string; key: string; userId: string | null; source: string }>
}

export const SEGMENT_SELECT = `
  select s.id, s.org_id, s.media_asset_id, s.start_seconds, s.end_seconds, s.source::text as source,
         s.title, s.created_by, s.created_at, s.updated_at,
         (select count(*)::int from public.narrations n where n.segment_id = s.id) as narration_count,
         coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'type', t.tag_type, 'key', t.tag_key,
                    'userId', t.tagged_user_id, 'source', t.source) order by t.created_at)
                   from public.segment_tags t where t.segment_id = s.id), '[]'::jsonb) as tags
  from public.segments s`

export function toSegment(r: SegmentRow) {
  return {
    id: r.id,
    orgId: r.org_id,
    mediaAssetId: r.media_asset_id,
    startSeconds: Number(r.start_seconds),
    endSeconds: Number(r.end_seconds),
    source: r.source,
    title: r.title,
    createdBy: r.created_by,
    narrationCount: r.narration_count,
    tags: r.tags,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }
}

export async function mediaFor(tx: Tx, mediaAssetId: string) {
  const [row] = await tx<{ org_id: string; duration_seconds: number | null }[]>`
    select org_id, duration_seconds from public.media_assets where id = ${mediaAssetId}`
  if (!row) throw notFound('Video not found.')
  return { orgId: row.org_id, duration: row.duration_seconds }
}

export async function segmentById(tx: Tx, id: string): Promise<SegmentRow> {
  const [row] = await tx.unsafe<SegmentRow[]>(`${SEGMENT_SELECT} where s.id = $1`, [id])
  if (!row) throw notFound('Segment not found.')
  return row
}

export async function candidatesFor(tx: Tx, mediaAssetId: string, start: number, end: number) {
  const rows = await tx.unsafe<SegmentRow[]>(
    `${SEGMENT_SELECT} where s.media_asset_id = $1 and s.start_seconds < $3 and s.end_seconds > $2`,
    [mediaAssetId, start, end],
  )
  return rows.map((r): Candidate => ({
    id: r.id,
    start: Number(r.start_seconds),
    end: Number(r.end_seconds),
    source: r.source,
    narrationCount: r.narration_count,
  }))
}

export async function insertSegment(
  tx: Tx,
  input: {
    orgId: string
    mediaAssetId: string
    start: number
    end: number
    source: Source
    title?: string | null
    userId: string
  },
): Promise<SegmentRow> {
  const [created] = await tx<{ id: string }[]>`
    insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds, source, title, created_by)
    values (${input.orgId}, ${input.mediaAssetId}, ${input.start}, ${input.end},
            ${input.source}::public.content_source, ${input.title ?? null}, ${input.userId})
    returning id`
  return await segmentById(tx, created!.id)
}

/** A video's segments in time order; `emptyOnly` keeps those without a narration. */
export function segmentsOf(tx: Tx, mediaAssetId: string, emptyOnly: boolean) {
  return tx.unsafe<SegmentRow[]>(
    `${SEGMENT_SELECT} where s.media_asset_id = $1 ${
      emptyOnly
        ? 'and not exists (select 1 from public.narrations n where n.segment_id = s.id)'
        : ''
    } order by s.start_seconds, s.id`,
    [mediaAssetId],
  )
}

export async function setEnd(tx: Tx, id: string, end: number) {
  await tx`update public.segments set end_seconds = ${end} where id = ${id}`
}

export async function updateSegment(
  tx: Tx,
  id: string,
  u: { start: number; end: number; title?: string | null },
): Promise<SegmentRow> {
  await tx`update public.segments set start_seconds = ${u.start}, end_seconds = ${u.end},
             title = case when ${u.title !== undefined} then ${u.title ?? null} else title end
           where id = ${id}`
  return await segmentById(tx, id)
}

/** The orgs the given segments belong to (as far as the caller sees them). */
export async function orgsOfSegments(tx: Tx, ids: string[]) {
  const rows = await tx<{ org_id: string }[]>`
    select distinct org_id from public.segments where id = any(${ids}::uuid[])`
  return rows.map((r) => r.org_id)
}

/** How many were deleted (RLS keeps what the caller may not delete). */
export async function deleteSegments(tx: Tx, ids: string[]) {
  const result = await tx`delete from public.segments where id = any(${ids}::uuid[]) returning id`
  return result.length
}
