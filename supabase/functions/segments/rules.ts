// Segment rules (SEG-1, SEG-2) as pure functions, so the server decides the same way every time.

export const MIN_SEGMENT_SECONDS = 6
export const MAX_RECORDING_SEGMENT_SECONDS = 60
export const MIN_RECORDING_SEGMENT_SECONDS = 10
export const EXPLICIT_EXTEND_SECONDS = 6

export type Source = 'auto' | 'ai' | 'coach' | 'staff' | 'manager' | 'owner' | 'member'

const round3 = (n: number) => Math.round(n * 1000) / 1000

/** Clamps a requested range into the media and to the minimum length; undefined if impossible. */
export function clampRange(
  start: number,
  end: number,
  duration: number | null,
): { start: number; end: number } | undefined {
  let s = Math.max(0, start)
  let e = duration !== null ? Math.min(end, duration) : end
  if (e - s < MIN_SEGMENT_SECONDS) {
    // Grow backwards first (the action usually happened just before), then forwards.
    s = Math.max(0, e - MIN_SEGMENT_SECONDS)
    if (e - s < MIN_SEGMENT_SECONDS) e = s + MIN_SEGMENT_SECONDS
    if (duration !== null && e > duration) return undefined
  }
  return { start: round3(s), end: round3(e) }
}

/** The window a narration recording implies: −3 s / +5 s, 1.8 × length within 10–60 s. */
export function recordingWindow(recStart: number, recEnd: number, duration: number | null) {
  const length = Math.max(0, recEnd - recStart)
  const target = Math.min(
    MAX_RECORDING_SEGMENT_SECONDS,
    Math.max(MIN_RECORDING_SEGMENT_SECONDS, 1.8 * length),
  )
  const start = Math.max(0, recStart - 3)
  let end = Math.max(recEnd + 5, start + target)
  end = Math.min(end, start + Math.max(target, MAX_RECORDING_SEGMENT_SECONDS))
  return clampRange(start, end, duration)
}

export interface Candidate {
  id: string
  start: number
  end: number
  source: Source
  narrationCount: number
}

const PRIORITY: Record<Source, number> = {
  coach: 5,
  owner: 5,
  manager: 5,
  staff: 4,
  member: 3,
  auto: 2,
  ai: 1,
}

export function overlap(a: { start: number; end: number }, b: { start: number; end: number }) {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start))
}

/**
 * Picks the existing segment a floating recording attaches to: overlap ≥ max(2 s, half of the
 * shorter); ties by overlap, narration count, then source priority.
 */
export function chooseAttachment(
  window: { start: number; end: number },
  candidates: Candidate[],
): Candidate | undefined {
  const eligible = candidates
    .map((c) => ({ c, ov: overlap(window, c) }))
    .filter(({ c, ov }) => {
      const shorter = Math.min(window.end - window.start, c.end - c.start)
      return ov >= Math.max(2, shorter / 2)
    })
  eligible.sort(
    (x, y) =>
      y.ov - x.ov ||
      y.c.narrationCount - x.c.narrationCount ||
      PRIORITY[y.c.source] - PRIORITY[x.c.source] ||
      x.c.id.localeCompare(y.c.id),
  )
  return eligible[0]?.c
}

/** A same-source segment covering ≥ 80 % of the shorter of the two: worth a warning. */
export function nearDuplicate(
  range: { start: number; end: number },
  source: Source,
  candidates: Candidate[],
): Candidate | undefined {
  return candidates.find((c) => {
    if (c.source !== source) return false
    const shorter = Math.min(range.end - range.start, c.end - c.start)
    return shorter > 0 && overlap(range, c) / shorter >= 0.8
  })
}

/** "Add to this segment": the end may move out by at most 6 s to cover the recording. */
export function extendForRecording(
  segment: { start: number; end: number },
  recEnd: number,
  duration: number | null,
) {
  const wanted = Math.min(Math.max(segment.end, recEnd + 5), segment.end + EXPLICIT_EXTEND_SECONDS)
  const end = duration !== null ? Math.min(wanted, duration) : wanted
  return { start: segment.start, end: round3(Math.max(segment.end, end)) }
}

export function sourceForRole(role: string | null): Source {
  return role === 'owner' || role === 'manager' || role === 'staff' ? role : 'member'
}
