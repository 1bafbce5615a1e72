import { describe, expect, it } from 'vitest'
import { highlightParts } from './highlight'

describe('highlightParts', () => {
  it('splits marked terms from the surrounding text', () => {
    expect(highlightParts('poor <mark>lineout</mark> throw at the <mark>22</mark>')).toEqual([
      { text: 'poor ', hit: false },
      { text: 'lineout', hit: true },
      { text: ' throw at the ', hit: false },
      { text: '22', hit: true },
    ])
  })

  it('keeps other markup as inert text', () => {
    const parts = highlightParts('<img src=x onerror=alert(1)> <mark>ruck</mark>')
    expect(parts[0]).toEqual({ text: '<img src=x onerror=alert(1)> ', hit: false })
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(['ruck'])
  })

  it('returns the whole text when nothing is marked', () => {
    expect(highlightParts('no match here')).toEqual([{ text: 'no match here', hit: false }])
  })
})
