import { describe, expect, it } from 'vitest'
import { isTypingTarget, nextSpeed, resolveShortcut } from './shortcuts'

describe('player shortcuts (MEDIA-4)', () => {
  it('maps the documented keys', () => {
    expect(resolveShortcut({ key: ' ' })).toEqual({ type: 'toggle' })
    expect(resolveShortcut({ key: 'K' })).toEqual({ type: 'toggle' })
    expect(resolveShortcut({ key: 'ArrowLeft' })).toEqual({ type: 'seek', by: -5 })
    expect(resolveShortcut({ key: 'l' })).toEqual({ type: 'seek', by: 10 })
    expect(resolveShortcut({ key: '.' })).toEqual({ type: 'frame', by: 1 })
    expect(resolveShortcut({ key: ',' })).toEqual({ type: 'frame', by: -1 })
    expect(resolveShortcut({ key: ']' })).toEqual({ type: 'speed', by: 1 })
    expect(resolveShortcut({ key: '7' })).toEqual({ type: 'seekPercent', percent: 70 })
    expect(resolveShortcut({ key: 'x' })).toBeNull()
  })

  it('leaves browser shortcuts alone', () => {
    expect(resolveShortcut({ key: 'l', ctrlKey: true })).toBeNull()
    expect(resolveShortcut({ key: 'f', metaKey: true })).toBeNull()
  })

  it('never fires while typing in a field', () => {
    const input = document.createElement('input')
    const textarea = document.createElement('textarea')
    const range = document.createElement('input')
    range.type = 'range'
    expect(isTypingTarget(input)).toBe(true)
    expect(isTypingTarget(textarea)).toBe(true)
    expect(isTypingTarget(range)).toBe(false)
    expect(resolveShortcut({ key: 'k', target: input })).toBeNull()
    expect(resolveShortcut({ key: 'k', target: document.createElement('div') })).toEqual({
      type: 'toggle',
    })
  })

  it('steps through the speed ladder and stops at its ends', () => {
    expect(nextSpeed(1, 1)).toBe(1.25)
    expect(nextSpeed(1, -1)).toBe(0.75)
    expect(nextSpeed(2, 1)).toBe(2)
    expect(nextSpeed(0.25, -1)).toBe(0.25)
  })
})
