import { describe, expect, it } from 'vitest'
import {
  decideAttach,
  extendForRecording,
  findDuplicate,
  overlapsEnough,
  sizeFromRecording,
  targetLength,
  type SegmentLike,
} from './seg2'

const seg = (
  id: string,
  start: number,
  end: number,
  extra: Partial<SegmentLike> = {},
): SegmentLike => ({
  id,
  start,
  end,
  narrationCount: 0,
  source: 'coach',
  ...extra,
})

describe('SEG-2 sizing', () => {
  it('targets 1.8 × the recording, clamped to 10–60 s', () => {
    expect(targetLength(2)).toBe(10)
    expect(targetLength(10)).toBe(18)
    expect(targetLength(50)).toBe(60)
  })

  it('starts 3 s before the recording; a 10 s recording ends 5 s after it', () => {
    expect(sizeFromRecording(100, 110, 3600)).toEqual({ start: 97, end: 115 })
  })

  it('keeps short recordings at 10 s and long ones at 60 s', () => {
    expect(sizeFromRecording(100, 101, 3600)).toEqual({ start: 97, end: 107 })
    expect(sizeFromRecording(100, 160, 3600)).toEqual({ start: 97, end: 157 })
  })

  it('shifts instead of cutting at the start and the end of the video', () => {
    expect(sizeFromRecording(1, 11, 3600)).toEqual({ start: 0, end: 18 })
    expect(sizeFromRecording(590, 600, 600)).toEqual({ start: 582, end: 600 })
  })

  it('never exceeds a video shorter than the target', () => {
    expect(sizeFromRecording(2, 4, 8)).toEqual({ start: 0, end: 8 })
  })
})

describe('SEG-2 attach rule', () => {
  it('needs at least max(2 s, half the shorter) of overlap', () => {
    expect(overlapsEnough({ start: 0, end: 10 }, { start: 5, end: 20 })).toBe(true)
    expect(overlapsEnough({ start: 0, end: 10 }, { start: 6, end: 20 })).toBe(false)
    expect(overlapsEnough({ start: 0, end: 3 }, { start: 1.5, end: 20 })).toBe(false)
  })

  it('attaches to the segment with the most overlap', () => {
    const d = decideAttach(100, 110, 3600, [seg('a', 90, 104), seg('b', 98, 116)], 'coach')
    expect(d).toMatchObject({ kind: 'attach', segment: { id: 'b' } })
  })

  it('breaks overlap ties by narration count, then source priority', () => {
    const byCount = decideAttach(
      100,
      110,
      3600,
      [seg('a', 97, 115), seg('b', 97, 115, { narrationCount: 3 })],
      'coach',
    )
    expect(byCount).toMatchObject({ kind: 'attach', segment: { id: 'b' } })
    const bySource = decideAttach(
      100,
      110,
      3600,
      [
        seg('ai', 97, 115, { source: 'ai' }),
        seg('member', 97, 115, { source: 'member' }),
        seg('staff', 97, 115, { source: 'staff' }),
        seg('auto', 97, 115, { source: 'auto' }),
      ],
      'coach',
    )
    expect(bySource).toMatchObject({ kind: 'attach', segment: { id: 'staff' } })
  })

  it('creates a new segment when nothing overlaps enough', () => {
    expect(decideAttach(100, 110, 3600, [seg('far', 200, 230)], 'coach')).toEqual({
      kind: 'create',
      window: { start: 97, end: 115 },
      duplicateOf: null,
    })
  })
})

describe('SEG-2 add to this segment', () => {
  it('extends the end by at most 6 s', () => {
    expect(extendForRecording({ start: 10, end: 30 }, 28, 600)).toEqual({ start: 10, end: 33 })
    expect(extendForRecording({ start: 10, end: 30 }, 40, 600)).toEqual({ start: 10, end: 36 })
  })

  it('never shrinks the segment or passes the end of the video', () => {
    expect(extendForRecording({ start: 10, end: 30 }, 15, 600)).toEqual({ start: 10, end: 30 })
    expect(extendForRecording({ start: 10, end: 30 }, 40, 32)).toEqual({ start: 10, end: 32 })
  })
})

describe('SEG-2 duplicate warning', () => {
  it('flags a new clip sharing ≥ 80 % with a same-source segment only', () => {
    const existing = [seg('staff', 100, 118, { source: 'staff' }), seg('coach', 100, 118)]
    expect(findDuplicate({ start: 101, end: 117 }, existing, 'coach')?.id).toBe('coach')
    expect(findDuplicate({ start: 101, end: 117 }, existing, 'member')).toBeNull()
    expect(findDuplicate({ start: 110, end: 130 }, existing, 'coach')).toBeNull()
  })
})
