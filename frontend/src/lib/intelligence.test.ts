import { describe, expect, it } from 'vitest'
import {
  confidenceLabel,
  confidenceText,
  levelBadge,
  normalizeIntelligence,
  provenance,
  questionProblem,
  recommendedClips,
  splitEvidence,
  type Evidence,
} from './intelligence'

const ev = (id: string, over: Partial<Evidence> = {}): Evidence => ({
  kind: 'narration',
  id,
  narrationId: id,
  segmentId: `seg-${id}`,
  startSeconds: 62,
  text: `note ${id}`,
  score: 0.5,
  ...over,
})

describe('normalizeIntelligence (AI-2)', () => {
  it('turns the stored row into headline, lines and titled non-empty sections in review order', () => {
    const i = normalizeIntelligence({
      level: 'normal',
      headline: '  Lineout under pressure ',
      lines: ['One', '', 'Two', 'Three', 'Four'],
      sections: { scoring: ['try in the corner'], setPiece: ['crooked throw'], defence: [] },
      narrationCount: 30,
      model: 'offline-template',
      generatedAt: '2026-03-01T14:05:00.000Z',
    })
    expect(i.headline).toBe('Lineout under pressure')
    expect(i.lines).toEqual(['One', 'Two', 'Three'])
    expect(i.sections).toEqual([
      { key: 'setPiece', title: 'Set piece', notes: ['crooked throw'] },
      { key: 'scoring', title: 'Scoring', notes: ['try in the corner'] },
    ])
    expect(i.narrationCount).toBe(30)
  })

  it('reads the empty answer, which has no model, count or time', () => {
    const i = normalizeIntelligence({ level: 'empty', headline: null, lines: [], sections: {} })
    expect(i).toMatchObject({ level: 'empty', headline: null, lines: [], sections: [] })
    expect(provenance(i)).toBe('')
  })

  it('gives an unknown section a readable title instead of dropping it', () => {
    const i = normalizeIntelligence({
      level: 'normal',
      headline: 'h',
      sections: { kickBattle: ['box kick'], lineSpeed: ['up fast'], junk: 'not a list' },
    })
    expect(i.sections.map((s) => s.title)).toEqual(['Kick battle', 'Line speed'])
  })
})

describe('badges and provenance', () => {
  it('explains each level with the 25-note rule', () => {
    expect(levelBadge('light').label).toBe('Light — fewer than 25 notes, one line only')
    expect(levelBadge('normal').label).toMatch(/25 notes or more/)
    expect(levelBadge('empty').label).toMatch(/no notes/)
  })

  it('names the model and how many notes it read', () => {
    const i = normalizeIntelligence({
      level: 'light',
      headline: 'h',
      narrationCount: 1,
      model: 'offline-template',
      generatedAt: '2026-03-01T14:05:00.000Z',
    })
    expect(provenance(i)).toMatch(/^Built by offline-template from 1 note · .*2026/)
  })
})

describe('questionProblem (AI-4 client check)', () => {
  it('accepts 3 to 500 characters after trimming', () => {
    expect(questionProblem('  why ')).toBeNull()
    expect(questionProblem('x'.repeat(500))).toBeNull()
  })

  it('says what to do for empty, short and long questions', () => {
    expect(questionProblem('   ')).toMatch(/Type a question/)
    expect(questionProblem(' ab ')).toMatch(/at least 3 characters/)
    expect(questionProblem('x'.repeat(501))).toMatch(/500 characters or fewer \(it has 501\)/)
  })
})

describe('confidenceText', () => {
  it('states the rule behind each level with the evidence count', () => {
    expect(confidenceLabel('medium')).toBe('Medium confidence')
    expect(confidenceText('low', [ev('a')])).toMatch(/^Only 1 note back .*5 or more give medium/)
    expect(
      confidenceText(
        'medium',
        [1, 2, 3, 4, 5].map((n) => ev(`${n}`)),
      ),
    ).toMatch(/^5 notes back this answer\. High needs at least 12/)
    expect(confidenceText('high', [])).toMatch(/^0 notes back this answer and the best one/)
  })
})

describe('splitEvidence and recommendedClips', () => {
  const evidence = [ev('a'), ev('b', { kind: 'segment_insight', narrationId: null }), ev('c')]

  it('puts cited evidence first in citation order, ignores unknown ids, keeps the rest', () => {
    const { cited, other } = splitEvidence({ citedEvidenceIds: ['c', 'zz', 'a', 'c'], evidence })
    expect(cited.map((e) => e.id)).toEqual(['c', 'a'])
    expect(other.map((e) => e.id)).toEqual(['b'])
  })

  it('labels each clip with its bounds and the first note from it', () => {
    const clips = recommendedClips({
      evidence,
      recommendedClips: [
        { segmentId: 'seg-b', startSeconds: 62, endSeconds: 82 },
        { segmentId: 'seg-x', startSeconds: 5, endSeconds: 11 },
      ],
    })
    expect(clips).toEqual([
      { segmentId: 'seg-b', startSeconds: 62, time: '1:02–1:22', note: 'note b' },
      { segmentId: 'seg-x', startSeconds: 5, time: '0:05–0:11', note: null },
    ])
  })
})
