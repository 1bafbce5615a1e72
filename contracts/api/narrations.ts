// Response and request shapes of the `narrations` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.
import type { ContentSource as SegmentSource } from '../enums.ts'

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
