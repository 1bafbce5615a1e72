// Narration rows as the caller, plus the embedding refresh every write triggers (NARR-3/4).
import type { ContentSource } from '../../../contracts/enums.ts'
import type { Tx } from '../_shared/db.ts'
import { notFound } from '../_shared/http.ts'
import { embeddings } from '../_shared/providers/index.ts'
import { storeNarrationEmbedding } from '../_shared/narration-embedding.ts'
import { orgLookup } from '../_shared/sql.ts'

export interface NarrationRow {
  id: string
  org_id: string
  media_asset_id: string
  segment_id: string | null
  author_id: string | null
  author_username: string | null
  source_type: string
  input_type: string
  raw_transcript: string
  clean_transcript: string | null
  language: string
  audio_key: string | null
  audio_duration_seconds: number | null
  start_seconds: string | null
  end_seconds: string | null
  transcription_status: string
  transcription_error: string | null
  has_embedding: boolean
  created_at: Date
  updated_at: Date
}

export const NARRATION_SELECT = `
  select n.id, n.org_id, n.media_asset_id, n.segment_id, n.author_id, p.username as author_username,
         n.source_type::text as source_type, n.input_type, n.raw_transcript, n.clean_transcript,
         n.language, n.audio_key, n.audio_duration_seconds, n.start_seconds, n.end_seconds,
         n.transcription_status, n.transcription_error, n.embedding is not null as has_embedding,
         n.created_at, n.updated_at
  from public.narrations n left join public.profiles p on p.id = n.author_id`

export function toNarration(r: NarrationRow) {
  return {
    id: r.id,
    orgId: r.org_id,
    mediaAssetId: r.media_asset_id,
    segmentId: r.segment_id,
    authorId: r.author_id,
    authorUsername: r.author_username,
    source: r.source_type,
    inputType: r.input_type,
    text: r.clean_transcript || r.raw_transcript,
    language: r.language,
    hasAudio: r.audio_key !== null,
    audioDurationSeconds: r.audio_duration_seconds,
    startSeconds: r.start_seconds === null ? null : Number(r.start_seconds),
    endSeconds: r.end_seconds === null ? null : Number(r.end_seconds),
    transcription: { status: r.transcription_status, error: r.transcription_error },
    embedded: r.has_embedding,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }
}

export async function narrationById(tx: Tx, id: string): Promise<NarrationRow> {
  const [row] = await tx.unsafe<NarrationRow[]>(`${NARRATION_SELECT} where n.id = $1`, [id])
  if (!row) throw notFound('Narration not found.')
  return row
}

/**
 * Stores the embedding of the narration's current text. A provider failure leaves it null (the
 * text is still searchable by full text) instead of failing the write.
 */
export async function refreshEmbedding(tx: Tx, id: string, text: string): Promise<boolean> {
  if (!text.trim()) return false
  const provider = embeddings()
  let vector: number[] | undefined
  try {
    ;[vector] = await provider.embed([text])
  } catch {
    return false
  }
  if (!vector) return false
  await storeNarrationEmbedding(tx, id, { vector, model: provider.name })
  return true
}

/** The org of the video a narration belongs to (RLS: members see it), or 404. */
export const mediaOrg = orgLookup('media_assets', 'Video not found.')

export async function mediaOf(tx: Tx, mediaAssetId: string) {
  return { org_id: await mediaOrg(mediaAssetId)(tx) }
}

export interface ListFilter {
  mediaAssetId: string
  segmentId?: string
  source?: ContentSource
  tag?: string
}

/** A match's narrations in time order, narrowed by segment, source and tag (NARR-6). */
export function listNarrations(tx: Tx, q: ListFilter) {
  const conditions = ['n.media_asset_id = $1']
  const params: unknown[] = [q.mediaAssetId]
  if (q.segmentId) {
    params.push(q.segmentId)
    conditions.push(`n.segment_id = $${params.length}`)
  }
  if (q.source) {
    params.push(q.source)
    conditions.push(`n.source_type = $${params.length}::public.content_source`)
  }
  if (q.tag) {
    params.push(q.tag)
    conditions.push(
      `exists (select 1 from public.segment_tags t where t.segment_id = n.segment_id and t.tag_key = $${params.length})`,
    )
  }
  return tx.unsafe<NarrationRow[]>(
    `${NARRATION_SELECT} where ${conditions.join(' and ')} order by n.start_seconds nulls last, n.created_at limit 1000`,
    params as never[],
  )
}

export interface NewNarration {
  id: string
  orgId: string
  mediaAssetId: string
  segmentId?: string
  authorId: string
  text?: string
  language: string
  audioKey: string | null
  audioDurationSeconds?: number
  startSeconds?: number
  endSeconds?: number
}

/** source_type is set by the database from the author's role (NARR-3). */
export async function insertNarration(tx: Tx, n: NewNarration) {
  const audio = n.audioKey !== null
  await tx`
    insert into public.narrations (id, org_id, media_asset_id, segment_id, author_id, input_type,
      raw_transcript, language, audio_key, audio_duration_seconds, start_seconds, end_seconds,
      transcription_status)
    values (${n.id}, ${n.orgId}, ${n.mediaAssetId}, ${n.segmentId ?? null}, ${n.authorId},
      ${audio ? 'audio' : 'text'}, ${n.text ?? ''}, ${n.language}, ${n.audioKey},
      ${n.audioDurationSeconds ?? null}, ${n.startSeconds ?? null},
      ${n.endSeconds ?? null}, ${audio ? 'pending' : 'done'})`
}

export interface SearchHit {
  kind: 'narration' | 'segment_insight' | 'match_summary'
  id: string
  media_asset_id: string
  segment_id: string | null
  start_seconds: string | null
  content: string
  snippet: string
  text_rank: number | null
  vector_rank: number | null
  score: number
}

/** B-1: hybrid (full text + vector, RRF-fused) search, with the name of each hit's match. */
export async function search(
  tx: Tx,
  q: { orgId: string; q: string; mediaAssetId?: string; limit: number },
  vector: string | null,
) {
  const rows = await tx<SearchHit[]>`select * from private.search_knowledge(${q.orgId}, ${q.q},
      ${vector}::extensions.halfvec, ${q.mediaAssetId ?? null}, ${q.limit})`
  // Hits name their match: two matches often hold notes with the same words.
  const ids = [...new Set(rows.map((r) => r.media_asset_id))]
  const media = await tx<{ id: string; name: string }[]>`
    select id, name from public.media_assets where id = any(${ids}::uuid[])`
  return { rows, names: new Map(media.map((m) => [m.id, m.name])) }
}

/** False when RLS hides the row from writes (not the author, not staff). */
export async function markTranscriptionPending(tx: Tx, id: string) {
  const allowed = await tx`update public.narrations set transcription_status = 'pending',
                             transcription_error = null where id = ${id} returning id`
  return allowed.length > 0
}

/** Replaces the text (the cleaned transcript goes with it); false when not editable. */
export async function updateText(tx: Tx, id: string, text: string) {
  const updated = await tx`update public.narrations set raw_transcript = ${text},
                             clean_transcript = null where id = ${id} returning id`
  return updated.length > 0
}

/** False when RLS kept the row (visible but not the caller's to delete). */
export async function deleteNarration(tx: Tx, id: string) {
  const deleted = await tx`delete from public.narrations where id = ${id} returning id`
  return deleted.length > 0
}
