// Object storage through the AWS SDK v3: the same code talks to S3, Wasabi, R2 and the local
// stand-in (which verifies SigV4 as S3 does). The browser only ever receives presigned URLs for one
// key and one operation.
import { createHash } from 'node:crypto'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  NoSuchKey,
  PutObjectCommand,
  NotFound,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type { StoredPart } from '../../../contracts/responses.ts'
import { env } from './env.ts'

export const PRESIGN_SECONDS = 3600

let client: { key: string; s3: S3Client } | undefined

export function bucket(): string {
  return env('S3_BUCKET') ?? 'media'
}

export function s3(): S3Client {
  const endpoint = env('S3_ENDPOINT')
  const key = [
    endpoint,
    env('S3_REGION'),
    env('S3_ACCESS_KEY_ID'),
    env('S3_FORCE_PATH_STYLE'),
  ].join('|')
  if (!client || client.key !== key) {
    const accessKeyId = env('S3_ACCESS_KEY_ID')
    const secretAccessKey = env('S3_SECRET_ACCESS_KEY')
    client = {
      key,
      s3: new S3Client({
        region: env('S3_REGION') ?? 'us-east-1',
        ...(endpoint ? { endpoint } : {}),
        forcePathStyle: (env('S3_FORCE_PATH_STYLE') ?? 'false') === 'true',
        ...(accessKeyId && secretAccessKey
          ? { credentials: { accessKeyId, secretAccessKey } }
          : {}),
        // Checksums on every request break presigned PUTs from browsers and some S3-compatibles.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    }
    addContentMd5ToDeleteObjects(client.s3)
  }
  return client.s3
}

/**
 * DeleteObjects must carry Content-MD5: Wasabi and MinIO-style stores refuse it without, and since
 * SDK 3.729 the SDK sends only a CRC32 flexible checksum (S3 accepts either). Added before
 * signing so the header is signed. The worker's storage adapter does the same.
 */
export function addContentMd5ToDeleteObjects(s3Client: S3Client): void {
  s3Client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown }
      const body = request.body
      if (
        context.commandName === 'DeleteObjectsCommand' &&
        request.headers &&
        (typeof body === 'string' || body instanceof Uint8Array)
      ) {
        request.headers['content-md5'] = createHash('md5').update(body).digest('base64')
      }
      return await next(args)
    },
    { step: 'build', name: 'contentMd5ForDeleteObjects', override: true },
  )
}

export async function createMultipartUpload(key: string, contentType: string): Promise<string> {
  const out = await s3().send(
    new CreateMultipartUploadCommand({ Bucket: bucket(), Key: key, ContentType: contentType }),
  )
  if (!out.UploadId) throw new Error('storage returned no UploadId')
  return out.UploadId
}

/**
 * A part URL pins everything about the part: key, upload id, part number and its exact
 * Content-Length (signed), so it can carry only that part's bytes.
 */
export function presignUploadPart(
  key: string,
  uploadId: string,
  partNumber: number,
  contentLength: number,
) {
  return getSignedUrl(
    s3(),
    new UploadPartCommand({
      Bucket: bucket(),
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
      ContentLength: contentLength,
    }),
    { expiresIn: PRESIGN_SECONDS },
  )
}

/**
 * The storage server lacks an operation (some S3-compatible stores have no ListParts or
 * AbortMultipartUpload). Callers degrade explicitly instead of failing the request.
 */
export class StorageUnsupported extends Error {
  constructor(readonly operation: string) {
    super(`storage does not support ${operation}`)
  }
}

function isUnsupported(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === 'MethodNotAllowed' ||
      err.name === 'NotImplemented' ||
      err.$metadata?.httpStatusCode === 405 ||
      err.$metadata?.httpStatusCode === 501)
  )
}

export type { StoredPart } from '../../../contracts/responses.ts'

/** The parts storage really holds; undefined when the multipart upload no longer exists. */
export async function listParts(key: string, uploadId: string): Promise<StoredPart[] | undefined> {
  const parts: StoredPart[] = []
  let marker: string | undefined
  try {
    for (;;) {
      const out = await s3().send(
        new ListPartsCommand({
          Bucket: bucket(),
          Key: key,
          UploadId: uploadId,
          ...(marker ? { PartNumberMarker: marker } : {}),
        }),
      )
      for (const p of out.Parts ?? []) {
        if (p.PartNumber && p.ETag) {
          parts.push({ partNumber: p.PartNumber, size: p.Size ?? 0, etag: p.ETag })
        }
      }
      if (!out.IsTruncated || !out.NextPartNumberMarker) break
      marker = String(out.NextPartNumberMarker)
    }
  } catch (err) {
    if (isMissing(err)) return undefined
    if (isUnsupported(err)) throw new StorageUnsupported('ListParts')
    throw err
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber)
}

export async function completeMultipartUpload(key: string, uploadId: string, parts: StoredPart[]) {
  await s3().send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket(),
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
    }),
  )
}

export async function abortMultipartUpload(key: string, uploadId: string): Promise<void> {
  try {
    await s3().send(
      new AbortMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId: uploadId }),
    )
  } catch (err) {
    // Without abort support the parts stay orphaned in the stand-in; nothing references them.
    if (!isMissing(err) && !isUnsupported(err)) throw err
  }
}

/** Size of an object, or undefined when it does not exist. */
export async function headObject(key: string): Promise<{ size: number } | undefined> {
  try {
    const out = await s3().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }))
    return { size: out.ContentLength ?? 0 }
  } catch (err) {
    if (isMissing(err)) return undefined
    throw err
  }
}

export async function getObjectText(key: string): Promise<string | undefined> {
  try {
    const out = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }))
    return (await out.Body?.transformToString('utf-8')) ?? ''
  } catch (err) {
    if (isMissing(err)) return undefined
    throw err
  }
}

export async function getObjectBytes(key: string): Promise<Uint8Array | undefined> {
  try {
    const out = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }))
    return (await out.Body?.transformToByteArray()) ?? new Uint8Array()
  } catch (err) {
    if (isMissing(err)) return undefined
    throw err
  }
}

export async function putObject(key: string, body: Uint8Array | string, contentType: string) {
  await s3().send(
    new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body, ContentType: contentType }),
  )
}

/** A presigned single PUT for one key (small files such as narration audio). */
export function presignPut(key: string, contentType: string, expiresIn = PRESIGN_SECONDS) {
  return getSignedUrl(
    s3(),
    new PutObjectCommand({ Bucket: bucket(), Key: key, ContentType: contentType }),
    { expiresIn },
  )
}

export function presignGet(key: string, expiresIn = PRESIGN_SECONDS): Promise<string> {
  return getSignedUrl(s3(), new GetObjectCommand({ Bucket: bucket(), Key: key }), { expiresIn })
}

/** Deletes every object under `prefix` (which must end with `/`); returns the count. */
export async function deletePrefix(prefix: string): Promise<number> {
  if (!prefix.endsWith('/') || prefix.length < 10)
    throw new Error(`refusing to delete prefix ${prefix}`)
  let deleted = 0
  let token: string | undefined
  for (;;) {
    const page = await s3().send(
      new ListObjectsV2Command({
        Bucket: bucket(),
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    )
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []))
    if (keys.length > 0) {
      await s3().send(
        new DeleteObjectsCommand({ Bucket: bucket(), Delete: { Objects: keys, Quiet: true } }),
      )
      deleted += keys.length
    }
    if (!page.IsTruncated || !page.NextContinuationToken) break
    token = page.NextContinuationToken
  }
  return deleted
}

function isMissing(err: unknown): boolean {
  if (err instanceof NoSuchKey || err instanceof NotFound) return true
  if (err instanceof S3ServiceException) {
    return (
      err.name === 'NoSuchUpload' ||
      err.name === 'NoSuchKey' ||
      err.name === 'NotFound' ||
      err.$metadata?.httpStatusCode === 404
    )
  }
  return false
}
