// AI-2 match intelligence and AI-4 "ask the match" as the overview shows them: the API's shapes
// turned into what a coach reads, with no Vue so every rule is unit-tested on its own.
import { formatDate, formatDuration } from './format'

export type IntelligenceLevel = 'empty' | 'light' | 'normal'
export type Confidence = 'low' | 'medium' | 'high'

/** AI-2 tiers and AI-4 confidence thresholds, as the insights function applies them. */
export const LIGHT_BELOW = 25
export const LOW_BELOW = 5
export const HIGH_FROM = 12
export const HIGH_BEST_SCORE = 0.45
export const QUESTION_MIN = 3
export const QUESTION_MAX = 500

/** `GET insights/matches/:id`'s `intelligence`; sections and lines are shaped defensively. */
export interface RawIntelligence {
  mediaAssetId?: string
  level: IntelligenceLevel
  headline: string | null
  lines?: unknown
  sections?: unknown
  narrationCount?: number | null
  model?: string | null
  generatedAt?: string | null
}

export interface IntelligenceSection {
  key: string
  title: string
  notes: string[]
}

export interface MatchIntelligence {
  level: IntelligenceLevel
  headline: string | null
  lines: string[]
  sections: IntelligenceSection[]
  narrationCount: number | null
  model: string | null
  generatedAt: string | null
}

/** The six optional sections of AI-2, in the order a coach reviews a match. */
export const SECTION_TITLES: Record<string, string> = {
  setPiece: 'Set piece',
  territory: 'Territory',
  possession: 'Possession',
  defence: 'Defence',
  kickBattle: 'Kick battle',
  scoring: 'Scoring',
}

const strings = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim())
    : []

/** A section key the SPA does not know yet still gets a readable title ("lineOut" → "Line out"). */
function sectionTitle(key: string): string {
  if (SECTION_TITLES[key]) return SECTION_TITLES[key]
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function normalizeIntelligence(raw: RawIntelligence): MatchIntelligence {
  const obj =
    raw.sections && typeof raw.sections === 'object' && !Array.isArray(raw.sections)
      ? (raw.sections as Record<string, unknown>)
      : {}
  const known = Object.keys(SECTION_TITLES).filter((k) => k in obj)
  const unknown = Object.keys(obj).filter((k) => !(k in SECTION_TITLES))
  const sections = [...known, ...unknown]
    .map((key) => ({ key, title: sectionTitle(key), notes: strings(obj[key]) }))
    .filter((s) => s.notes.length > 0)
  return {
    level: raw.level,
    headline: raw.headline?.trim() || null,
    lines: strings(raw.lines).slice(0, 3),
    sections,
    narrationCount: typeof raw.narrationCount === 'number' ? raw.narrationCount : null,
    model: raw.model ?? null,
    generatedAt: raw.generatedAt ?? null,
  }
}

export function levelBadge(level: IntelligenceLevel): { label: string; tone: string } {
  switch (level) {
    case 'empty':
      return { label: 'Empty — no notes yet', tone: 'empty' }
    case 'light':
      return { label: `Light — fewer than ${LIGHT_BELOW} notes, one line only`, tone: 'light' }
    case 'normal':
      return { label: `Full — ${LIGHT_BELOW} notes or more, with sections`, tone: 'normal' }
  }
}

/** "Built by offline-template from 12 notes · 3 Mar 2026, 14:05" (parts that are known). */
export function provenance(i: MatchIntelligence): string {
  const parts: string[] = []
  if (i.model) {
    parts.push(
      i.narrationCount !== null
        ? `Built by ${i.model} from ${i.narrationCount} ${i.narrationCount === 1 ? 'note' : 'notes'}`
        : `Built by ${i.model}`,
    )
  }
  if (i.generatedAt) parts.push(formatDate(i.generatedAt))
  return parts.join(' · ')
}

/** Null when the question can be sent; otherwise what to change, in words a coach acts on. */
export function questionProblem(question: string): string | null {
  const n = question.trim().length
  if (n === 0) return 'Type a question first, for example “what went wrong at the lineout?”.'
  if (n < QUESTION_MIN) {
    return `That is too short to search for: use at least ${QUESTION_MIN} characters, for example “lineout”.`
  }
  if (n > QUESTION_MAX) {
    return `Shorten the question to ${QUESTION_MAX} characters or fewer (it has ${n}); ask about one thing at a time.`
  }
  return null
}

export interface Evidence {
  kind: string
  id: string
  narrationId: string | null
  segmentId: string | null
  startSeconds: number | null
  text: string
  score: number
}

export interface AskResponse {
  answer: string
  citedEvidenceIds: string[]
  confidence: Confidence
  evidence: Evidence[]
  recommendedSegmentIds: string[]
  recommendedClips: { segmentId: string; startSeconds: number; endSeconds: number }[]
}

export function confidenceLabel(confidence: Confidence): string {
  return `${confidence.charAt(0).toUpperCase()}${confidence.slice(1)} confidence`
}

/** Why the answer has the confidence it has, in the terms of the AI-4 rule. */
export function confidenceText(confidence: Confidence, evidence: Evidence[]): string {
  const n = evidence.length
  const notes = `${n} ${n === 1 ? 'note' : 'notes'}`
  switch (confidence) {
    case 'low':
      return `Only ${notes} back this answer (${LOW_BELOW} or more give medium). Treat it as a lead and check the clips; narrating more of these moments makes answers firmer.`
    case 'medium':
      return `${notes.charAt(0).toUpperCase()}${notes.slice(1)} back this answer. High needs at least ${HIGH_FROM} notes with one that matches the question closely.`
    case 'high':
      return `${notes.charAt(0).toUpperCase()}${notes.slice(1)} back this answer and the best one matches the question closely.`
  }
}

export const EVIDENCE_KINDS: Record<string, string> = {
  narration: 'Narration',
  segment_insight: 'Clip insight',
  match_summary: 'Match summary',
}

/** Cited evidence in the order the answer cites it ([1], [2] …), then the rest as retrieved. */
export function splitEvidence(res: Pick<AskResponse, 'citedEvidenceIds' | 'evidence'>): {
  cited: Evidence[]
  other: Evidence[]
} {
  const byId = new Map(res.evidence.map((e) => [e.id, e]))
  const citedIds = [...new Set(res.citedEvidenceIds)].filter((id) => byId.has(id))
  const citedSet = new Set(citedIds)
  return {
    cited: citedIds.map((id) => byId.get(id)!),
    other: res.evidence.filter((e) => !citedSet.has(e.id)),
  }
}

/** mm:ss of a moment in the match, or null when the evidence has no time. */
export function matchTime(seconds: number | null): string | null {
  return seconds === null || !Number.isFinite(seconds) ? null : formatDuration(seconds)
}

export interface RecommendedClip {
  segmentId: string
  startSeconds: number
  /** "1:02–1:22": the clip's own bounds. */
  time: string
  /** The first evidence from this clip, so the link says what the coach will see. */
  note: string | null
}

export function recommendedClips(res: Pick<AskResponse, 'recommendedClips' | 'evidence'>) {
  return res.recommendedClips.map((c): RecommendedClip => ({
    segmentId: c.segmentId,
    startSeconds: c.startSeconds,
    time: `${formatDuration(c.startSeconds)}–${formatDuration(c.endSeconds)}`,
    note: res.evidence.find((e) => e.segmentId === c.segmentId)?.text ?? null,
  }))
}
