// Tags, the taxonomy and suggestions, read and written as the caller (RLS: members read tags;
// staff write them and see suggestions; a member may tag themself).
import type { SuggestionStatus, TagType } from '../../../contracts/enums.ts'
import { getCached, keys, TTL } from '../_shared/cache.ts'
import type { Tx } from '../_shared/db.ts'
import { NARRATION_TEXT, orgLookup } from '../_shared/sql.ts'
import type { TaxonomyTag } from './suggest.ts'

const TAG_SELECT = `select t.id, t.segment_id, t.tag_type::text as type, t.tag_key as key,
  t.tagged_user_id as user_id, p.username, t.source, t.created_at
  from public.segment_tags t left join public.profiles p on p.id = t.tagged_user_id`

export const segmentOrg = orgLookup('segments', 'Segment not found.')

export async function taxonomy(tx: Tx): Promise<{ version: number; tags: TaxonomyTag[] }> {
  return (await getCached(
    keys.global('taxonomy'),
    TTL.static,
    async () => {
      const rows = await tx<
        { version: number; type: 'action' | 'context'; key: string; label: string }[]
      >`
      select t.version, t.type::text as type, t.key, t.label from public.taxonomy_tags t
      where t.version = (select max(version) from public.tag_taxonomy_versions)
      order by t.type, t.sort_order`
      return {
        version: rows[0]?.version ?? 1,
        tags: rows.map(({ type, key, label }) => ({ type, key, label })),
      }
      // Never invalidated (a new taxonomy version waits out the TTL), so safe per isolate.
    },
    { perIsolate: true },
  ))!
}

export function segmentTags(tx: Tx, segmentId: string) {
  return tx.unsafe(`${TAG_SELECT} where t.segment_id = $1 order by t.created_at`, [segmentId])
}

async function tagById(tx: Tx, id: string) {
  return (await tx.unsafe(`${TAG_SELECT} where t.id = $1`, [id]))[0]
}

/** The identity tag naming `userId` on the segment. */
export async function identityTag(tx: Tx, segmentId: string, userId: string) {
  const [tag] = await tx.unsafe(`${TAG_SELECT} where t.segment_id = $1 and t.tagged_user_id = $2`, [
    segmentId,
    userId,
  ])
  return tag
}

/** The taxonomy tag (action or context) `type:key` on the segment. */
export async function taxonomyTag(tx: Tx, segmentId: string, type: TagType, key: string) {
  const [tag] = await tx.unsafe(
    `${TAG_SELECT} where t.segment_id = $1 and t.tag_type = $2::public.tag_type and t.tag_key = $3 and t.tagged_user_id is null`,
    [segmentId, type, key],
  )
  return tag
}

export interface NewTag {
  orgId: string
  segmentId: string
  type: TagType
  key: string
  userId: string | null
  source: 'staff' | 'self'
  createdBy: string
}

export async function insertTag(tx: Tx, t: NewTag) {
  const [created] = await tx<{ id: string }[]>`
    insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, tagged_user_id, source, created_by)
    values (${t.orgId}, ${t.segmentId}, ${t.type}::public.tag_type, ${t.key}, ${t.userId}, ${t.source}, ${t.createdBy})
    returning id`
  return await tagById(tx, created!.id)
}

export async function tagVisible(tx: Tx, id: string) {
  const [visible] = await tx`select 1 from public.segment_tags where id = ${id}`
  return Boolean(visible)
}

/** False when RLS kept the row (the caller may see the tag but not remove it). */
export async function deleteTag(tx: Tx, id: string) {
  const deleted = await tx`delete from public.segment_tags where id = ${id} returning id`
  return deleted.length > 0
}

// TAG-3 suggestions.

export async function narrationTexts(tx: Tx, segmentId: string) {
  const rows = await tx<{ text: string }[]>`
    select ${tx.unsafe(NARRATION_TEXT)} as text
    from public.narrations n where n.segment_id = ${segmentId}`
  return rows.map((r) => r.text)
}

/** `type:key` of every tag and suggestion the segment already has. */
export async function presentTagKeys(tx: Tx, segmentId: string) {
  const present = await tx<{ k: string }[]>`
    select tag_type::text || ':' || tag_key as k from public.segment_tags where segment_id = ${segmentId}
    union select tag_type::text || ':' || tag_key from public.tag_suggestions where segment_id = ${segmentId}`
  return new Set(present.map((p) => p.k))
}

export async function insertSuggestions(
  tx: Tx,
  orgId: string,
  segmentId: string,
  version: number,
  suggestions: Array<{ type: TagType; key: string; confidence: number }>,
) {
  for (const s of suggestions) {
    await tx`insert into public.tag_suggestions (org_id, segment_id, tag_type, tag_key, taxonomy_version, confidence)
             values (${orgId}, ${segmentId}, ${s.type}::public.tag_type, ${s.key}, ${version}, ${s.confidence})
             on conflict (segment_id, tag_type, tag_key) do nothing`
  }
}

export function suggestionsBrief(tx: Tx, segmentId: string) {
  return tx`select id, tag_type::text as type, tag_key as key, status::text as status, confidence
            from public.tag_suggestions where segment_id = ${segmentId} order by created_at`
}

export function suggestions(tx: Tx, segmentId: string) {
  return tx`select id, tag_type::text as type, tag_key as key, status::text as status, confidence,
              decided_by, decided_at from public.tag_suggestions
            where segment_id = ${segmentId} order by created_at`
}

export interface SuggestionRow {
  id: string
  org_id: string
  segment_id: string
  tag_type: string
  tag_key: string
  status: string
}

/** The suggestions of a segment, or those with the given ids, as far as the caller sees them. */
export function findSuggestions(tx: Tx, by: { segmentId?: string; ids?: string[] }) {
  return tx<SuggestionRow[]>`
    select id, org_id, segment_id, tag_type::text as tag_type, tag_key, status::text as status
      from public.tag_suggestions
    where ${by.segmentId ? tx`segment_id = ${by.segmentId}` : tx`id = any(${by.ids!}::uuid[])`}
    order by created_at`
}

/** Records the decision; an applied suggestion becomes an 'ai' tag (kept if already there). */
export async function decideSuggestion(
  tx: Tx,
  r: SuggestionRow,
  decision: SuggestionStatus,
  userId: string,
) {
  if (decision === 'applied') {
    await tx`insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, source, created_by)
             values (${r.org_id}, ${r.segment_id}, ${r.tag_type}::public.tag_type, ${r.tag_key}, 'ai', ${userId})
             on conflict do nothing`
  }
  await tx`update public.tag_suggestions set status = ${decision}::public.suggestion_status,
             decided_by = ${userId}, decided_at = now() where id = ${r.id}`
}
