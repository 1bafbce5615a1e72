// Pure upload planning: part size, part count, part lengths. Tested without storage; the keys
// are contracts/keys.ts.
export const PART_SIZE = 10 * 1024 * 1024
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024 * 1024
/**
 * Part URLs are presigned at most this many at a time: create and resume hand out the first batch
 * and the browser asks for more as it goes. Presigning all 2,048 parts of a 20 GiB file at once
 * would spend most of the edge runtime's CPU budget on one request.
 */
export const PART_URL_BATCH = 50

export function partCount(sizeBytes: number, partSize = PART_SIZE): number {
  return Math.max(1, Math.ceil(sizeBytes / partSize))
}

/** The exact byte length of part `partNumber` (1-based): every part is full but the last. */
export function partLength(sizeBytes: number, partNumber: number, partSize = PART_SIZE): number {
  const count = partCount(sizeBytes, partSize)
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > count) {
    throw new RangeError(`part ${partNumber} is outside 1..${count}`)
  }
  return partNumber < count ? partSize : sizeBytes - (count - 1) * partSize
}

/** Part numbers of `wanted` that are not in 1..count (an upload has no such part). */
export function partsOutOfRange(count: number, wanted: Iterable<number>): number[] {
  return [...wanted].filter((n) => !Number.isInteger(n) || n < 1 || n > count)
}

/** Part numbers in 1..count that storage does not hold yet. */
export function missingParts(count: number, stored: Iterable<number>): number[] {
  const have = new Set(stored)
  const missing: number[] = []
  for (let n = 1; n <= count; n++) if (!have.has(n)) missing.push(n)
  return missing
}

/** The display name when none is given: the file name without its extension. */
export function defaultName(fileName: string): string {
  const base = fileName
    .trim()
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .trim()
  return (base || fileName.trim() || 'Untitled').slice(0, 200)
}
