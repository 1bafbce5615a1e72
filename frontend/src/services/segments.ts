import { api } from './api'
import { getItems } from './request'
import type { SegmentSource } from '../lib/segments/seg2'

// SEG-1..4: the `segments` function.

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

/** A created or sized clip; `warning` says it nearly repeats one that exists (SEG-2). */
export interface SegmentWrite {
  segment: Segment
  attached?: boolean
  warning: { code: string; segmentId: string } | null
}

export const segmentsApi = {
  list: (mediaAssetId: string, empty = false) =>
    getItems<Segment>('segments', { mediaAssetId, empty: empty ? 'true' : undefined }),
  create: (body: {
    mediaAssetId: string
    startSeconds: number
    endSeconds: number
    title?: string | null
  }) => api<SegmentWrite>('POST', 'segments', body),
  /** NARR-1 + SEG-2: the clip a narration recorded over this stretch joins or creates. */
  fromRecording: (body: {
    mediaAssetId: string
    recordingStartSeconds: number
    recordingEndSeconds: number
    segmentId?: string
  }) => api<SegmentWrite>('POST', 'segments/from-recording', body),
  update: (
    id: string,
    body: { startSeconds?: number; endSeconds?: number; title?: string | null },
  ) => api<{ segment: Segment }>('PATCH', `segments/${id}`, body),
  remove: (id: string) => api<unknown>('DELETE', `segments/${id}`),
  bulkDelete: (ids: string[]) => api<{ deleted: number }>('POST', 'segments/bulk-delete', { ids }),
}
