import assert from 'node:assert/strict'
import {
  chooseAttachment,
  clampRange,
  extendForRecording,
  nearDuplicate,
  recordingWindow,
  sourceForRole,
} from './rules.ts'

Deno.test('SEG-1: minimum 6 s and clamped to the media', () => {
  assert.deepEqual(clampRange(10, 30, 100), { start: 10, end: 30 })
  assert.deepEqual(clampRange(10, 12, 100), { start: 6, end: 12 })
  assert.deepEqual(clampRange(90, 130, 100), { start: 90, end: 100 })
  assert.deepEqual(clampRange(-5, 3, null), { start: 0, end: 6 })
  assert.equal(clampRange(0, 10, 4), undefined)
})

Deno.test('SEG-2: recording window −3/+5 s, 1.8× within 10–60 s', () => {
  assert.deepEqual(recordingWindow(100, 102, null), { start: 97, end: 107 })
  assert.deepEqual(recordingWindow(100, 120, null), { start: 97, end: 133 })
  assert.deepEqual(recordingWindow(100, 150, null), { start: 97, end: 157 })
  assert.deepEqual(recordingWindow(1, 2, 400), { start: 0, end: 10 })
})

Deno.test('SEG-2: attachment by overlap, then narrations, then source priority', () => {
  const w = { start: 100, end: 120 }
  const seg = (
    id: string,
    start: number,
    end: number,
    source: 'coach' | 'member' | 'ai',
    n = 0,
  ) => ({
    id,
    start,
    end,
    source,
    narrationCount: n,
  })
  assert.equal(chooseAttachment(w, [seg('far', 0, 20, 'coach')]), undefined)
  assert.equal(chooseAttachment(w, [seg('thin', 118, 140, 'coach')]), undefined)
  assert.equal(
    chooseAttachment(w, [seg('a', 95, 115, 'member'), seg('b', 100, 120, 'ai')])?.id,
    'b',
  )
  assert.equal(
    chooseAttachment(w, [seg('a', 100, 120, 'ai', 1), seg('b', 100, 120, 'coach', 0)])?.id,
    'a',
  )
  assert.equal(
    chooseAttachment(w, [seg('a', 100, 120, 'ai'), seg('b', 100, 120, 'coach')])?.id,
    'b',
  )
  assert.equal(
    nearDuplicate({ start: 100, end: 120 }, 'coach', [seg('x', 101, 121, 'coach')])?.id,
    'x',
  )
  assert.equal(
    nearDuplicate({ start: 100, end: 120 }, 'coach', [seg('x', 101, 121, 'ai')]),
    undefined,
  )
})

Deno.test('SEG-2: explicit add extends the end by at most 6 s', () => {
  assert.deepEqual(extendForRecording({ start: 10, end: 30 }, 40, null), { start: 10, end: 36 })
  assert.deepEqual(extendForRecording({ start: 10, end: 30 }, 20, null), { start: 10, end: 30 })
  assert.equal(sourceForRole('staff'), 'staff')
  assert.equal(sourceForRole(null), 'member')
})
