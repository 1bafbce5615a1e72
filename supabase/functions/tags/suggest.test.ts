import assert from 'node:assert/strict'
import { suggestFromText, type TaxonomyTag } from './suggest.ts'

const taxonomy: TaxonomyTag[] = [
  { type: 'action', key: 'tackle', label: 'Tackle' },
  { type: 'action', key: 'carry', label: 'Carry' },
  { type: 'action', key: 'missed_tackle', label: 'Missed Tackle' },
  { type: 'context', key: 'lineout', label: 'Lineout' },
  { type: 'context', key: 'scrum', label: 'Scrum' },
]

Deno.test('TAG-3: canonical keys from narration text, minus existing tags', () => {
  const out = suggestFromText(
    ['Great tackle after the line-out, then a missed tackle on the carry'],
    taxonomy,
    new Set(['action:carry']),
  )
  const keys = out.map((s) => `${s.type}:${s.key}`)
  assert.ok(keys.includes('action:tackle'))
  assert.ok(keys.includes('action:missed_tackle'))
  assert.ok(keys.includes('context:lineout'))
  assert.ok(!keys.includes('action:carry'))
  assert.ok(!keys.includes('context:scrum'))
})

Deno.test('TAG-3: at most 5 per type', () => {
  const many: TaxonomyTag[] = Array.from({ length: 8 }, (_, i) => ({
    type: 'action',
    key: `k${i}x`,
    label: `K${i}x`,
  }))
  const text = many.map((t) => t.key).join(' ')
  assert.equal(suggestFromText([text], many, new Set()).length, 5)
})
