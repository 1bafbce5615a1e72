// Narration rows as the caller, plus the embedding refresh every write triggers (NARR-3/4).
import type { Tx } from '../_shared/db.ts'
import { notFound } from '../_shared/http.ts'
import { embeddings, vectorLiteral } from '../_shared/providers/index.ts'

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
  await tx`update public.narrations set embedding = ${vectorLiteral(vector)}::extensions.halfvec,
             embedding_model = ${provider.name} where id = ${id}`
  return true
}
