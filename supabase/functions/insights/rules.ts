// Insight rules (AI-1, AI-2, AI-4) as pure functions.

/** AI-1: a segment insight is stale once narrations grew by max(1, 40 %). */
export function segmentInsightStale(countAtGeneration: number, countNow: number): boolean {
  return countNow - countAtGeneration >= Math.max(1, Math.ceil(0.4 * countAtGeneration))
}

/** AI-2: match intelligence is stale once narrations grew by max(5, 20 %). */
export function matchIntelligenceStale(countAtGeneration: number, countNow: number): boolean {
  return countNow - countAtGeneration >= Math.max(5, Math.ceil(0.2 * countAtGeneration))
}

export type IntelligenceLevel = 'empty' | 'light' | 'normal'

export function intelligenceLevel(narrations: number): IntelligenceLevel {
  return narrations < 1 ? 'empty' : narrations < 25 ? 'light' : 'normal'
}

export type Confidence = 'low' | 'medium' | 'high'

/** AI-4: low below 5 pieces of evidence; high at ≥ 12 with a best score ≥ 0.45. */
export function answerConfidence(evidence: number, bestScore: number): Confidence {
  if (evidence < 5) return 'low'
  return evidence >= 12 && bestScore >= 0.45 ? 'high' : 'medium'
}

/** RRF scores normalized so a hit ranked first by both retrievers scores 1. */
export function normalizeRrf(score: number, k = 60): number {
  return Math.min(1, score / (2 / (k + 1)))
}

export const SECTIONS = {
  setPiece: ['scrum', 'lineout', 'maul', 'restart', 'kickoff', 'set piece'],
  territory: ['territory', 'exit', 'field position', 'red zone', '22'],
  possession: ['possession', 'ruck', 'breakdown', 'turnover', 'ball retention', 'phase'],
  defence: ['tackle', 'defence', 'defense', 'line speed', 'missed tackle', 'jackal'],
  kickBattle: ['kick', 'box kick', 'chip', 'grubber', 'high ball', 'contestable'],
  scoring: ['try', 'conversion', 'penalty goal', 'drop goal', 'score', 'points'],
} as const

/** Groups narration texts into the six optional sections by keyword; empty sections are omitted. */
export function sectionize(texts: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [section, words] of Object.entries(SECTIONS)) {
    const hits = texts.filter((t) => words.some((w) => t.toLowerCase().includes(w))).slice(0, 3)
    if (hits.length > 0) out[section] = hits
  }
  return out
}

const FILLER = ['phase', 'review', 'focus']

/**
 * AI-1's shape, whatever the provider returned: a headline of 3–6 words (separators such as
 * "·" are not words), a one-sentence summary, and a non-empty coach script.
 */
export function shapeSegmentInsight(insight: {
  headline: string
  summary: string
  coachScript: string
}): { headline: string; summary: string; coachScript: string } {
  const words = insight.headline.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w))
  const padded = [...words, ...FILLER.filter((f) => !words.includes(f))].slice(
    0,
    Math.max(3, Math.min(6, words.length)),
  )
  const headline =
    words.length >= 3 && words.length <= 6 ? insight.headline.trim() : padded.join(' ')
  const text = insight.summary.trim().replace(/\s+/g, ' ')
  const end = text.search(/[.!?](\s|$)/)
  const summary = end > 0 ? text.slice(0, end + 1) : text
  const coachScript = insight.coachScript.trim() || summary
  return { headline, summary, coachScript }
}
