// AI-1 segment insight and AI-3 coach audio, as the SPA reads them: the calls and the rules for
// what a coach or player is shown. No Vue here, so the rules are tested without mounting anything.
import { formatDate } from './format'
import type { AskResponse, RawIntelligence } from './intelligence'

export interface SegmentInsight {
  segmentId: string
  headline: string
  summary: string
  coachScript: string
  hasAudio: boolean
  /** Narrations with text that the insight was generated from. */
  narrationCount: number
  model: string
  generatedAt: string
}

export interface InsightAnswer {
  /** Null while the clip has no transcribed narration: there is nothing to summarize. */
  insight: SegmentInsight | null
  /** True when the server (re)generated it for this read, false when it served the cached one. */
  generated: boolean
}

export interface CoachAudio {
  audioUrl: string
  expiresInSeconds: number
}

type Call = <T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
) => Promise<T>

export interface MatchIntelligenceAnswer {
  intelligence: RawIntelligence
  /** True when the server (re)built it for this read. */
  generated?: boolean
}

const segmentPath = (segmentId: string) => `insights/segments/${encodeURIComponent(segmentId)}`
const matchPath = (mediaAssetId: string) => `insights/matches/${encodeURIComponent(mediaAssetId)}`

/** The insight routes over any edge-function caller (the app passes `services/api`). */
export function createInsightsClient(call: Call) {
  return {
    segment: (segmentId: string, signal?: AbortSignal) =>
      call<InsightAnswer>('GET', segmentPath(segmentId), undefined, signal),
    /** AI-3: answers 409 NO_NARRATION while the clip has no transcribed narration. */
    coachAudio: (segmentId: string, signal?: AbortSignal) =>
      call<CoachAudio>('POST', `${segmentPath(segmentId)}/audio`, undefined, signal),
    /** AI-2: the server (re)builds the summary when it is missing or stale. */
    match: (mediaAssetId: string) => call<MatchIntelligenceAnswer>('GET', matchPath(mediaAssetId)),
    /** AI-4: answers 4xx NO_EVIDENCE when nothing in the match answers the question. */
    ask: (mediaAssetId: string, question: string) =>
      call<AskResponse>('POST', `${matchPath(mediaAssetId)}/ask`, { question }),
  }
}

export type InsightsClient = ReturnType<typeof createInsightsClient>

/**
 * Why the coach audio cannot be played yet, or null when it can. `clipNarrations` is what the
 * clip list counts (known in the review panel, not in the feed); the insight's own count is the
 * narrations with text, so a recording still being transcribed shows up as the gap between them.
 */
const NO_NARRATION = 'No narration yet: narrate this clip to get coach audio.'

export function audioBlockedReason(
  insight: SegmentInsight | null,
  clipNarrations?: number | null,
): string | null {
  if (clipNarrations === 0) return NO_NARRATION
  if (hasContent(insight)) return null
  return clipNarrations ? 'Waiting for the narration to be transcribed.' : NO_NARRATION
}

/** An insight built from no narration (stored before the server answered null for those) holds
 * only placeholder words; it is not shown as advice. */
export function hasContent(insight: SegmentInsight | null): insight is SegmentInsight {
  return !!insight && insight.narrationCount > 0
}

/** Small print under the insight: which model wrote it, when, and from how many narrations. */
export function provenance(insight: SegmentInsight): string {
  const n = insight.narrationCount
  return `${insight.model} · ${formatDate(insight.generatedAt)} · from ${n} narration${n === 1 ? '' : 's'}`
}

export type RefreshReason = 'first' | 'narration-added' | 'narration-removed'

/**
 * What to tell the coach after a read. The server decides staleness (AI-1: narrations grew by
 * max(1, 40 %)); the panel only re-reads after a narration change and reports the outcome.
 */
export function refreshNote(
  answer: InsightAnswer,
  previous: SegmentInsight | null,
  reason: RefreshReason,
): string | null {
  if (reason === 'first' || !previous) return null
  if (!answer.insight) return 'Insight removed: no transcribed narration is left on this clip.'
  if (answer.generated) {
    const was = previous.narrationCount
    const now = answer.insight.narrationCount
    return now !== was
      ? `Insight regenerated from ${now} narration${now === 1 ? '' : 's'} (was ${was}).`
      : 'Insight regenerated from the current narrations.'
  }
  // A removed or reworded narration always drops the insight on the server, so only an
  // addition can leave it current.
  return 'Insight still current: it is rewritten once this clip’s narrations grow by 40 % (at least one more).'
}

/** Identifies the insight version a coach-audio URL was made for (regeneration drops the audio). */
export const audioKey = (insight: SegmentInsight) => `${insight.segmentId}@${insight.generatedAt}`
