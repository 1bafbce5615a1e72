import { describe, expect, it } from 'vitest'
import { moveItem } from './reorder'

describe('moveItem (playlist reorder)', () => {
  it('moves down and up', () => {
    expect(moveItem(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd'])
    expect(moveItem(['a', 'b', 'c', 'd'], 3, 1)).toEqual(['a', 'd', 'b', 'c'])
  })
  it('clamps the target and ignores a missing source', () => {
    expect(moveItem(['a', 'b'], 0, 9)).toEqual(['b', 'a'])
    expect(moveItem(['a', 'b'], 5, 0)).toEqual(['a', 'b'])
  })
  it('leaves the input untouched', () => {
    const input = ['a', 'b']
    moveItem(input, 0, 1)
    expect(input).toEqual(['a', 'b'])
  })
})
