import { api } from './api'
import { getItems } from './request'
import type { Narration, SearchHit, NewNarration } from '../../../contracts/api/narrations.ts'

export type * from '../../../contracts/api/narrations.ts'

// NARR-1..6: the `narrations` function, and the audio upload it presigns.

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
