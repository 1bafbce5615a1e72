// Response and request shapes of the `segments` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.
import type { ContentSource as SegmentSource } from '../enums.ts'

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
