import assert from 'node:assert/strict'
import { assetKeys, extensionOf } from '../../../contracts/keys.ts'
import {
  defaultName,
  missingParts,
  PART_SIZE,
  PART_URL_BATCH,
  partCount,
  partLength,
  partsOutOfRange,
} from './upload-plan.ts'

Deno.test('part count is ceil(size / 10 MiB), at least one', () => {
  assert.equal(PART_SIZE, 10 * 1024 * 1024)
  assert.equal(partCount(1), 1)
  assert.equal(partCount(PART_SIZE), 1)
  assert.equal(partCount(PART_SIZE + 1), 2)
  assert.equal(partCount(20 * 1024 ** 3), 2048)
})

const originalKey = (orgId: string, assetId: string, fileName: string) =>
  assetKeys(orgId, assetId).original(fileName)

Deno.test('keys follow the contract and extensions are sanitized', () => {
  assert.equal(originalKey('o', 'a', 'Match.MP4'), 'orgs/o/media/a/original/source.mp4')
  assert.equal(originalKey('o', 'a', 'noext'), 'orgs/o/media/a/original/source')
  assert.equal(extensionOf('evil.m p4'), '')
  assert.equal(extensionOf('x.verylongextension'), '')
})

Deno.test('missing parts and default names', () => {
  assert.deepEqual(missingParts(4, [1, 3]), [2, 4])
  assert.deepEqual(missingParts(2, [1, 2, 3]), [])
  assert.equal(defaultName('Final vs Leinster.mov'), 'Final vs Leinster')
})

Deno.test('each part has an exact length: full parts, then the remainder', () => {
  const size = 2 * PART_SIZE + 123
  assert.deepEqual(
    [1, 2, 3].map((n) => partLength(size, n)),
    [PART_SIZE, PART_SIZE, 123],
  )
  assert.equal(partLength(PART_SIZE, 1), PART_SIZE)
  assert.equal(partLength(1, 1), 1)
  assert.equal(partLength(20 * 1024 ** 3, 2048), PART_SIZE)
  assert.throws(() => partLength(size, 0), RangeError)
  assert.throws(() => partLength(size, 4), RangeError)
  assert.deepEqual(partsOutOfRange(3, [0, 1, 3, 4, 2.5]), [0, 4, 2.5])
  assert.equal(PART_URL_BATCH, 50)
})
