import { api } from './api'
import { getItems } from './request'
import type { Segment, SegmentWrite } from '../../../contracts/api/segments.ts'

export type * from '../../../contracts/api/segments.ts'

// SEG-1..4: the `segments` function.

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
