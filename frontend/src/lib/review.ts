import { api, withQuery } from '../services/api'
import type { SegmentSource } from './segments/seg2'

export interface SegmentTag {
  id: string
  type: 'action' | 'context' | 'identity'
  key: string | null
  userId: string | null
  source: string
}

export interface Segment {
  id: string
  mediaAssetId: string
  startSeconds: number
  endSeconds: number
  source: SegmentSource
  title: string | null
  narrationCount: number
  tags: SegmentTag[]
}

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

export interface TaxonomyTag {
  type: 'action' | 'context'
  key: string
  label: string
}

export interface SegmentWrite {
  segment: Segment
  attached?: boolean
  warning: { code: string; segmentId: string } | null
}

export const reviewApi = {
  segments: (mediaAssetId: string, empty = false) =>
    api<{ items: Segment[] }>(
      'GET',
      withQuery('segments', { mediaAssetId, empty: empty ? 'true' : undefined }),
    ),
  createSegment: (body: {
    mediaAssetId: string
    startSeconds: number
    endSeconds: number
    title?: string | null
  }) => api<SegmentWrite>('POST', 'segments', body),
  fromRecording: (body: {
    mediaAssetId: string
    recordingStartSeconds: number
    recordingEndSeconds: number
    segmentId?: string
  }) => api<SegmentWrite>('POST', 'segments/from-recording', body),
  updateSegment: (
    id: string,
    body: { startSeconds?: number; endSeconds?: number; title?: string | null },
  ) => api<{ segment: Segment }>('PATCH', `segments/${id}`, body),
  deleteSegment: (id: string) => api<unknown>('DELETE', `segments/${id}`),
  bulkDelete: (ids: string[]) => api<{ deleted: number }>('POST', 'segments/bulk-delete', { ids }),
  narrations: (mediaAssetId: string, source?: string) =>
    api<{ items: Narration[] }>('GET', withQuery('narrations', { mediaAssetId, source })),
  createNarration: (body: Record<string, unknown>) =>
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
  deleteNarration: (id: string) => api<unknown>('DELETE', `narrations/${id}`),
  taxonomy: () => api<{ version: number; tags: TaxonomyTag[] }>('GET', 'tags/taxonomy'),
  addTag: (body: Record<string, unknown>) => api<{ tag: SegmentTag }>('POST', 'tags', body),
  selfTag: (segmentId: string) => api<{ tag: SegmentTag }>('POST', 'tags/self', { segmentId }),
  removeTag: (id: string) => api<unknown>('DELETE', `tags/${id}`),
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
