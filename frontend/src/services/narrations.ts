import { api } from './api'
import { getItems } from './request'
import type { SegmentSource } from '../lib/segments/seg2'

// NARR-1..6: the `narrations` function, and the audio upload it presigns.

export interface Narration {
  id: string
  segmentId: string | null
  authorUsername: string | null
  source: SegmentSource
  inputType: 'text' | 'audio'
  text: string
  startSeconds: number | null
  transcription: { status: string; error: string | null }
  createdAt: string
}

/** NARR-5 / B-1: one hit of the org's hybrid search. */
export interface SearchHit {
  kind: 'narration' | 'segment_insight' | 'match_summary'
  id: string
  narrationId: string | null
  mediaAssetId: string
  mediaName: string | null
  segmentId: string | null
  startSeconds: number | null
  text: string
  snippet: string | null
  score: number
}

export interface NewNarration {
  mediaAssetId: string
  segmentId: string
  startSeconds: number
  endSeconds: number
  text?: string
  audio?: { contentType: string; durationSeconds: number }
}

export const narrationsApi = {
  list: (mediaAssetId: string, source?: string) =>
    getItems<Narration>('narrations', { mediaAssetId, source }),
  create: (body: NewNarration) =>
    api<{ narration: Narration; audioUpload: { url: string; contentType: string } | null }>(
      'POST',
      'narrations',
      body,
    ),
  transcribe: (id: string, previewText?: string) =>
    api<{ narration: Narration }>(
      'POST',
      `narrations/${id}/transcribe`,
      previewText ? { previewText } : {},
    ),
  remove: (id: string) => api<unknown>('DELETE', `narrations/${id}`),
  search: (query: { orgId: string; q: string; mediaAssetId?: string; limit: number }) =>
    getItems<SearchHit>('narrations/search', query),
}

/** Puts a recorded narration's audio straight into storage at its presigned URL. */
export async function uploadAudio(url: string, blob: Blob, contentType: string): Promise<void> {
  const res = await fetch(url, {
    method: 'PUT',
    body: blob,
    headers: { 'content-type': contentType },
  })
  if (!res.ok)
    throw new Error('The recording could not be stored. Check your connection and record again.')
}
