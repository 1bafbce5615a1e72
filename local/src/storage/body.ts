// Request bodies as S3 takes them: read whole before anything is stored, counted against
// Content-Length and checked against every digest the client sent (the signed SHA-256, Content-MD5,
// x-amz-checksum-*). A body cut off mid-transfer throws, and whatever was received is deleted.
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32 } from 'node:zlib'
import { s3Error } from './errors'

export const MAX_OBJECT_BYTES = 5 * 1024 ** 3

export interface ReceivedBody {
  size: number
  /** Set when the body went to a file (object and part PUTs); else `bytes`. */
  file?: string
  bytes?: Buffer
  md5: Buffer
  sha256: Buffer
  sha1: Buffer
  crc32: number
}

export function incomingPath(dir: string): string {
  return `${dir}/.incoming-${randomBytes(8).toString('hex')}`
}

/**
 * Reads the whole body of `req`, into `file` when given (deleted again on any failure), else into
 * memory up to `maxInMemory` bytes.
 */
export async function receiveBody(
  req: IncomingMessage,
  options: { file?: string; maxInMemory?: number },
): Promise<ReceivedBody> {
  const md5 = createHash('md5')
  const sha256 = createHash('sha256')
  const sha1 = createHash('sha1')
  let crc = 0
  let size = 0
  const chunks: Buffer[] = []
  const limit = options.maxInMemory ?? 2 * 1024 * 1024
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length
      md5.update(chunk)
      sha256.update(chunk)
      sha1.update(chunk)
      crc = crc32(chunk, crc)
      if (!options.file && size > limit) {
        callback(s3Error('MaxMessageLengthExceeded', 'Your request was too big.', {}, 400))
        return
      }
      callback(null, chunk)
    },
  })
  const sink = options.file
    ? createWriteStream(options.file)
    : new Writable({
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk)
          callback()
        },
      })
  try {
    await pipeline(req, meter, sink)
  } catch (error) {
    if (options.file) await rm(options.file, { force: true })
    if (error instanceof Error && 'code' in error && 'status' in error) throw error
    // The client went away mid-body (reset, abort, reload): S3 keeps nothing of such a request.
    throw s3Error('IncompleteBody', 'The request body terminated unexpectedly', {}, 400)
  }
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) !== size) {
    if (options.file) await rm(options.file, { force: true })
    throw s3Error(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
      {},
      400,
    )
  }
  return {
    size,
    ...(options.file ? { file: options.file } : { bytes: Buffer.concat(chunks) }),
    md5: md5.digest(),
    sha256: sha256.digest(),
    sha1: sha1.digest(),
    crc32: crc,
  }
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/** Checks the body against the digests the request carries; throws S3's answer on a mismatch. */
export function checkDigests(
  body: ReceivedBody,
  headers: IncomingHttpHeaders,
  payloadHash: string,
): void {
  if (/^[0-9a-fA-F]{64}$/.test(payloadHash)) {
    const computed = body.sha256.toString('hex')
    if (computed !== payloadHash.toLowerCase()) {
      throw s3Error(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        { ClientComputedContentSHA256: payloadHash, S3ComputedContentSHA256: computed },
        400,
      )
    }
  }
  const contentMd5 = one(headers['content-md5'])
  if (contentMd5 !== undefined) {
    const given = Buffer.from(contentMd5, 'base64')
    if (given.length !== 16 || given.toString('base64') !== contentMd5.trim()) {
      throw s3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', {
        'Content-MD5': contentMd5,
      })
    }
    if (!given.equals(body.md5)) {
      throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
        ExpectedDigest: contentMd5,
        CalculatedDigest: body.md5.toString('base64'),
      })
    }
  }
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(body.crc32 >>> 0)
  const computed: Record<string, Buffer> = { crc32: crc, sha1: body.sha1, sha256: body.sha256 }
  for (const [name, raw] of Object.entries(headers)) {
    const m = /^x-amz-checksum-([a-z0-9]+)$/.exec(name)
    if (!m || m[1] === 'type' || m[1] === 'algorithm') continue
    const algorithm = m[1] as string
    const mine = computed[algorithm]
    if (!mine) {
      throw s3Error(
        'NotImplemented',
        `The local storage stand-in cannot check x-amz-checksum-${algorithm}; send CRC32, SHA1, SHA256 or Content-MD5.`,
        { Header: name },
        501,
      )
    }
    if (one(raw) !== mine.toString('base64')) {
      throw s3Error(
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
        {},
        400,
      )
    }
  }
}

export function checkPutLength(headers: IncomingHttpHeaders): void {
  const declared = one(headers['content-length'])
  if (declared === undefined) {
    throw s3Error(
      'MissingContentLength',
      'You must provide the Content-Length HTTP header.',
      {},
      411,
    )
  }
  if (Number(declared) > MAX_OBJECT_BYTES) {
    throw s3Error(
      'EntityTooLarge',
      'Your proposed upload exceeds the maximum allowed size',
      { ProposedSize: declared, MaxSizeAllowed: MAX_OBJECT_BYTES },
      400,
    )
  }
}
