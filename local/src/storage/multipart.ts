// Multipart uploads with S3's guarantees, on s3rver's own files (`<bucket>/._S3rver_uploads/
// <uploadId>/{key,metadata,N,N.md5}`): a part exists only once its whole body arrived and was
// checked; ListParts and AbortMultipartUpload (which s3rver 3.7 lacks) are served here;
// CompleteMultipartUpload is refused for missing, mismatched, unordered or too-small parts.
// Every change to one upload runs under that upload's lock, so a listing never sees half a part.
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { s3Error } from './errors'

/** S3's minimum size of every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024
const MAX_PART_NUMBER = 10_000

const locks = new Map<string, Promise<unknown>>()

/** Runs `fn` after every earlier `withLock(id, …)` has settled. */
export async function withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const before = locks.get(id) ?? Promise.resolve()
  const run = before.then(fn, fn)
  const tail = run.catch(() => undefined)
  locks.set(id, tail)
  try {
    return await run
  } finally {
    if (locks.get(id) === tail) locks.delete(id)
  }
}

export function noSuchUpload(uploadId: string) {
  return s3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
    404,
  )
}

export function partNumberOf(value: string | undefined): number {
  const n = Number(value)
  if (!/^\d+$/.test(value ?? '') || n < 1 || n > MAX_PART_NUMBER) {
    throw s3Error(
      'InvalidArgument',
      'Part number must be an integer between 1 and 10000, inclusive',
      { ArgumentName: 'partNumber', ArgumentValue: value ?? '' },
      400,
    )
  }
  return n
}

export interface StoredPart {
  number: number
  size: number
  md5: string
  lastModified: Date
}

export class Multipart {
  constructor(private readonly uploadsRoot: (bucket: string) => string) {}

  /** The upload's directory, or NoSuchUpload when it is unknown or belongs to another key. */
  async dir(bucket: string, key: string, uploadId: string): Promise<string> {
    if (!/^[\w-]+$/.test(uploadId)) throw noSuchUpload(uploadId)
    const dir = join(this.uploadsRoot(bucket), uploadId)
    const storedKey = await readFile(join(dir, 'key'), 'utf8').catch(() => undefined)
    if (storedKey !== key) throw noSuchUpload(uploadId)
    return dir
  }

  /** The complete parts, ascending. Leftovers of unfinished transfers are not parts. */
  async parts(dir: string): Promise<StoredPart[]> {
    const names = new Set(await readdir(dir).catch(() => [] as string[]))
    const numbers = [...names]
      .filter((n) => /^\d+$/.test(n) && names.has(`${n}.md5`))
      .map(Number)
      .sort((a, b) => a - b)
    const parts = await Promise.all(
      numbers.map(async (number) => {
        const [info, md5] = await Promise.all([
          stat(join(dir, String(number))),
          readFile(join(dir, `${number}.md5`), 'utf8'),
        ])
        return { number, size: info.size, md5: md5.trim(), lastModified: info.mtime }
      }),
    )
    return parts
  }

  /** Makes a fully received, checked part body (a file inside the upload dir) part `number`. */
  async commitPart(
    bucket: string,
    key: string,
    uploadId: string,
    number: number,
    file: string,
    md5: string,
  ): Promise<void> {
    await withLock(uploadId, async () => {
      // Aborted or completed while the body was arriving: the part has nowhere to go.
      const dir = await this.dir(bucket, key, uploadId).catch(async (error: unknown) => {
        await rm(file, { force: true })
        throw error
      })
      await rename(file, join(dir, String(number)))
      await writeFile(join(dir, `${number}.md5`), md5)
    })
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    await withLock(uploadId, async () => {
      await rm(await this.dir(bucket, key, uploadId), { recursive: true, force: true })
    })
  }

  /**
   * S3's checks of a CompleteMultipartUpload part list against what is stored: ascending part
   * numbers, every part present with that ETag, every part but the last at least 5 MiB.
   */
  async checkCompletion(dir: string, uploadId: string, listed: { number: number; etag: string }[]) {
    const stored = new Map((await this.parts(dir)).map((p) => [p.number, p]))
    for (let i = 1; i < listed.length; i++) {
      if (
        (listed[i] as { number: number }).number <= (listed[i - 1] as { number: number }).number
      ) {
        throw s3Error(
          'InvalidPartOrder',
          'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
          { UploadId: uploadId },
          400,
        )
      }
    }
    for (let i = 0; i < listed.length; i++) {
      const part = listed[i] as { number: number; etag: string }
      const have = stored.get(part.number)
      if (!have || have.md5 !== part.etag.replace(/"/g, '')) {
        throw s3Error(
          'InvalidPart',
          "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          { UploadId: uploadId, PartNumber: part.number, ETag: part.etag },
          400,
        )
      }
      if (i < listed.length - 1 && have.size < MIN_PART_BYTES) {
        throw s3Error(
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed size',
          {
            ProposedSize: have.size,
            MinSizeAllowed: MIN_PART_BYTES,
            PartNumber: part.number,
            ETag: part.etag,
          },
          400,
        )
      }
    }
  }
}

export function listPartsResult(
  bucket: string,
  key: string,
  uploadId: string,
  parts: StoredPart[],
  query: Record<string, string | string[] | undefined>,
) {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)
  const marker = Number(one(query['part-number-marker']) ?? 0) || 0
  const maxParts = Math.min(Number(one(query['max-parts']) ?? 1000) || 1000, 1000)
  const after = parts.filter((p) => p.number > marker)
  const page = after.slice(0, maxParts)
  return {
    ListPartsResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      StorageClass: 'STANDARD',
      PartNumberMarker: marker,
      NextPartNumberMarker: page.length ? (page[page.length - 1] as StoredPart).number : marker,
      MaxParts: maxParts,
      IsTruncated: after.length > page.length,
      Part: page.map((p) => ({
        PartNumber: p.number,
        LastModified: p.lastModified.toISOString(),
        ETag: `"${p.md5}"`,
        Size: p.size,
      })),
    },
  }
}
