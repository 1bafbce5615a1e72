// TAG-3 suggestions from narrations: canonical taxonomy keys only, at most 5 per type, never a
// tag the segment already has. Offline this is keyword matching over keys and labels (with a few
// rugby synonyms); a model provider can replace `suggestFromText` without touching the flow.

export interface TaxonomyTag {
  type: 'action' | 'context'
  key: string
  label: string
}

const SYNONYMS: Record<string, string[]> = {
  tackle: ['tackled', 'tackling', 'hit'],
  carry: ['carried', 'carries', 'carrying', 'run'],
  pass: ['passed', 'passing', 'offloaded'],
  kick: ['kicked', 'kicking', 'punt'],
  breakdown: ['ruck', 'clear out', 'clear-out', 'cleanout'],
  lineout: ['line out', 'line-out', 'throw'],
  scrum: ['scrummage', 'put in'],
  defence: ['defense', 'line speed', 'defensive'],
  turnover: ['steal', 'stolen', 'turned over'],
  missed_tackle: ['missed tackle', 'missed a tackle'],
  box_kick: ['box kick'],
  kickoff: ['kick off', 'kick-off'],
  counter_attack: ['counter attack', 'counter-attack'],
  line_break: ['line break', 'broke the line'],
}

export function suggestFromText(
  texts: string[],
  taxonomy: TaxonomyTag[],
  existing: Set<string>,
  perType = 5,
): Array<{ type: 'action' | 'context'; key: string; confidence: number }> {
  const corpus = ` ${texts
    .join(' ')
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, ' ')} `
  const scored = taxonomy
    .filter((t) => !existing.has(`${t.type}:${t.key}`))
    .map((t) => {
      const phrases = [t.key.replace(/_/g, ' '), t.label.toLowerCase(), ...(SYNONYMS[t.key] ?? [])]
      const hits = phrases.reduce((n, p) => n + (corpus.split(` ${p} `).length - 1), 0)
      return { type: t.type, key: t.key, hits }
    })
    .filter((t) => t.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.key.localeCompare(b.key))
  const out: Array<{ type: 'action' | 'context'; key: string; confidence: number }> = []
  for (const type of ['action', 'context'] as const) {
    for (const t of scored.filter((s) => s.type === type).slice(0, perType)) {
      out.push({ type, key: t.key, confidence: Math.min(0.95, 0.5 + 0.15 * t.hits) })
    }
  }
  return out
}
