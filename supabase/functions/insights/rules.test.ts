import assert from 'node:assert/strict'
import {
  answerConfidence,
  intelligenceLevel,
  matchIntelligenceStale,
  normalizeRrf,
  sectionize,
  segmentInsightStale,
  shapeSegmentInsight,
} from './rules.ts'

Deno.test('AI-1: stale when narrations grew by max(1, 40 %)', () => {
  assert.equal(segmentInsightStale(0, 0), false)
  assert.equal(segmentInsightStale(0, 1), true)
  assert.equal(segmentInsightStale(10, 13), false)
  assert.equal(segmentInsightStale(10, 14), true)
})

Deno.test('AI-2: levels and staleness at max(5, 20 %)', () => {
  assert.equal(intelligenceLevel(0), 'empty')
  assert.equal(intelligenceLevel(24), 'light')
  assert.equal(intelligenceLevel(25), 'normal')
  assert.equal(matchIntelligenceStale(10, 14), false)
  assert.equal(matchIntelligenceStale(10, 15), true)
  assert.equal(matchIntelligenceStale(100, 119), false)
  assert.equal(matchIntelligenceStale(100, 120), true)
})

Deno.test('AI-4: confidence thresholds and normalized fusion scores', () => {
  assert.equal(answerConfidence(4, 1), 'low')
  assert.equal(answerConfidence(11, 1), 'medium')
  assert.equal(answerConfidence(12, 0.44), 'medium')
  assert.equal(answerConfidence(12, 0.45), 'high')
  assert.equal(normalizeRrf(2 / 61), 1)
  assert.ok(normalizeRrf(1 / 61) > 0.49 && normalizeRrf(1 / 61) < 0.51)
})

Deno.test('AI-2: sections by keyword, empty ones omitted', () => {
  const s = sectionize(['Scrum went backwards', 'Great tackle', 'Box kick was too long'])
  assert.deepEqual(Object.keys(s).sort(), ['defence', 'kickBattle', 'setPiece'])
})

Deno.test('AI-1: headline 3–6 words, one-sentence summary, a coach script', () => {
  const wordCount = (h: string) => h.split(/\s+/).filter((w) => /\w/.test(w)).length
  const long = shapeSegmentInsight({
    headline: 'counter attack · box kick · line break · missed tackle',
    summary: 'First sentence here. Second sentence there.',
    coachScript: '',
  })
  assert.equal(wordCount(long.headline), 6)
  assert.equal(long.summary, 'First sentence here.')
  assert.equal(long.coachScript, 'First sentence here.')
  const short = shapeSegmentInsight({ headline: 'Scrum', summary: 'One', coachScript: 'Go' })
  assert.equal(short.headline, 'Scrum phase review')
  const fine = shapeSegmentInsight({
    headline: 'Tackle · breakdown · carry',
    summary: 'x',
    coachScript: 'y',
  })
  assert.equal(fine.headline, 'Tackle · breakdown · carry')
})
