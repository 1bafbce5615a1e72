// The storage adapter: S3 (the SigV4-verifying stand-in locally, S3/Wasabi/R2 in production) for
// originals and outputs.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { MediaError } from '../errors'

export interface StorageConfig {
  endpoint: string | undefined
  region: string
  bucket: string
  accessKeyId: string | undefined
  secretAccessKey: string | undefined
  forcePathStyle: boolean
}

const contentTypes: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  jpg: 'image/jpeg',
  vtt: 'text/vtt',
  mp4: 'video/mp4',
}

export function contentTypeOf(key: string): string {
  return contentTypes[key.split('.').pop() ?? ''] ?? 'application/octet-stream'
}

// Segments never change once written; playlists change while the ladder grows (TX-5).
export function cacheControlOf(key: string): string {
  return key.endsWith('.m3u8') ? 'no-cache' : 'public, max-age=31536000, immutable'
}

/**
 * DeleteObjects must carry Content-MD5: Wasabi and MinIO-style stores refuse it without, and since
 * SDK 3.729 the SDK sends only a CRC32 flexible checksum (S3 accepts either). Added before signing
 * so the header is signed. The edge functions' storage module does the same.
 */
export function addContentMd5ToDeleteObjects(client: S3Client): void {
  client.middlewareStack.add(
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

export class Storage {
  readonly client: S3Client
  readonly bucket: string

  constructor(config: StorageConfig) {
    this.bucket = config.bucket
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      // s3rver, Wasabi and R2 reject the SDK's default trailing CRC32 checksums on every request.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
    })
    addContentMd5ToDeleteObjects(this.client)
  }

  async download(key: string, path: string, signal?: AbortSignal): Promise<number> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
        { abortSignal: signal },
      )
      if (!response.Body) throw new MediaError('SOURCE_MISSING', `${key} has no body`)
      await pipeline(response.Body as Readable, createWriteStream(path))
      return response.ContentLength ?? 0
    } catch (error) {
      if (error instanceof MediaError) throw error
      const name = (error as { name?: string }).name
      if (name === 'NoSuchKey' || name === 'NotFound') {
        throw new MediaError('SOURCE_MISSING', `${key} not found`)
      }
      if (signal?.aborted) throw error
      throw new MediaError('STORAGE_ERROR', `download ${key}: ${String(error)}`, { cause: error })
    }
  }

  async upload(key: string, path: string): Promise<number> {
    const body = await readFile(path)
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentTypeOf(key),
          CacheControl: cacheControlOf(key),
        }),
      )
    } catch (error) {
      throw new MediaError('STORAGE_ERROR', `upload ${key}: ${String(error)}`, { cause: error })
    }
    return body.length
  }

  async list(prefix: string): Promise<{ key: string; size: number; lastModified?: Date }[]> {
    const items: { key: string; size: number; lastModified?: Date }[] = []
    let token: string | undefined
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      )
      for (const object of page.Contents ?? []) {
        if (object.Key)
          items.push({ key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified })
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return items
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys = (await this.list(prefix)).map((o) => o.key)
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      )
    }
    return keys.length
  }

  close(): void {
    this.client.destroy()
  }
}
