import type { ContentSource } from '../../../../contracts/enums.ts'
/**
 * SEG-2: how a narration recording becomes, or joins, a segment. Times are media seconds: the
 * playhead when recording started and stopped.
 *
 * Sizing: the clip opens 3 s before the recording (context leading into the moment) and closes 5 s
 * after it; its length aims at 1.8 × the recording, clamped to 10–60 s. When the lead/lag window
 * and the target disagree, the start stays anchored 3 s before the recording and the end moves, so
 * the coach's first words always have their lead-in.
 */

/** Who made a clip or note: the database's `content_source` enum. */
export type SegmentSource = ContentSource

export interface SegmentLike {
  id: string
  start: number
  end: number
  narrationCount: number
  source: SegmentSource
}

export interface Window {
  start: number
  end: number
}

export const SEG2 = {
  lead: 3,
  lag: 5,
  factor: 1.8,
  minTarget: 10,
  maxTarget: 60,
  /** SEG-1: no segment is shorter than this. */
  minLength: 6,
  minOverlap: 2,
  duplicateShare: 0.8,
  maxExtension: 6,
} as const

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

export function targetLength(recordingSeconds: number): number {
  return clamp(SEG2.factor * Math.max(0, recordingSeconds), SEG2.minTarget, SEG2.maxTarget)
}

/** The segment a recording from `recStart` to `recEnd` would create, inside [0, duration]. */
export function sizeFromRecording(recStart: number, recEnd: number, duration: number): Window {
  const from = Math.min(recStart, recEnd)
  const to = Math.max(recStart, recEnd)
  const length = Math.min(targetLength(to - from), Math.max(duration, 0))
  let start = from - SEG2.lead
  let end = start + length
  // Shift, rather than cut, a window that runs past either end of the video.
  if (start < 0) {
    end -= start
    start = 0
  }
  if (end > duration) {
    start = Math.max(0, start - (end - duration))
    end = duration
  }
  return { start: round(start), end: round(end) }
}

export function overlap(a: Window, b: Window): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start))
}

const length = (w: Window) => Math.max(0, w.end - w.start)

/** Enough shared time to count as the same moment: ≥ max(2 s, half of the shorter clip). */
export function overlapsEnough(a: Window, b: Window): boolean {
  const shared = overlap(a, b)
  return shared > 0 && shared >= Math.max(SEG2.minOverlap, Math.min(length(a), length(b)) / 2)
}

/** coach > staff > member > auto > ai; managers and owners coach, so they rank as coach. */
export function sourcePriority(source: SegmentSource): number {
  switch (source) {
    case 'coach':
    case 'manager':
    case 'owner':
      return 4
    case 'staff':
      return 3
    case 'member':
      return 2
    case 'auto':
      return 1
    case 'ai':
      return 0
  }
}

export type AttachDecision<S extends SegmentLike> =
  | { kind: 'attach'; segment: S; overlap: number }
  | { kind: 'create'; window: Window; duplicateOf: S | null }

/**
 * A floating recording joins the best overlapping segment (by overlap, then narration count, then
 * source priority), else creates its own; a new segment that nearly repeats one of the same source
 * (≥ 80 % of the shorter) carries a warning.
 */
export function decideAttach<S extends SegmentLike>(
  recStart: number,
  recEnd: number,
  duration: number,
  segments: readonly S[],
  source: SegmentSource,
): AttachDecision<S> {
  const window = sizeFromRecording(recStart, recEnd, duration)
  let best: { segment: S; overlap: number } | null = null
  for (const segment of segments) {
    if (!overlapsEnough(window, segment)) continue
    const shared = overlap(window, segment)
    if (!best || better(segment, shared, best.segment, best.overlap))
      best = { segment, overlap: shared }
  }
  if (best) return { kind: 'attach', ...best }
  return { kind: 'create', window, duplicateOf: findDuplicate(window, segments, source) }
}

function better(a: SegmentLike, aOverlap: number, b: SegmentLike, bOverlap: number): boolean {
  if (Math.abs(aOverlap - bOverlap) > 1e-9) return aOverlap > bOverlap
  if (a.narrationCount !== b.narrationCount) return a.narrationCount > b.narrationCount
  return sourcePriority(a.source) > sourcePriority(b.source)
}

/** A same-source segment sharing ≥ 80 % of the shorter of the two, if any. */
export function findDuplicate<S extends SegmentLike>(
  window: Window,
  segments: readonly S[],
  source: SegmentSource,
): S | null {
  for (const s of segments) {
    if (s.source !== source) continue
    const shorter = Math.min(length(window), length(s))
    if (shorter > 0 && overlap(window, s) >= SEG2.duplicateShare * shorter) return s
  }
  return null
}

/**
 * "Add to this segment": the recording joins the chosen segment, whose end may grow by up to 6 s
 * to cover the recording's lag, never past the video.
 */
export function extendForRecording(segment: Window, recEnd: number, duration: number): Window {
  const wanted = recEnd + SEG2.lag
  const end = clamp(wanted, segment.end, Math.min(segment.end + SEG2.maxExtension, duration))
  return { start: segment.start, end: round(Math.max(segment.end, end)) }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000
}
