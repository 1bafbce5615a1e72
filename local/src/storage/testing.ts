// Test support: a storage stand-in on a free port in a temp dir, with an SDK client configured as
// the platform's own code configures it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CreateMultipartUploadCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { afterAll, beforeAll } from 'vitest'
import { freePort } from '../ports'
import { startStorage, type Storage } from '../storage'

/** The SPA origin the test storage allows (CORS). */
export const SPA_ORIGIN = 'http://127.0.0.1:5173'

export interface TestStorage {
  storage: Storage
  s3: S3Client
  /** Another client of the same storage; `overrides` replace the defaults (region, keys, …). */
  client(overrides?: S3ClientConfig): S3Client
  stop(): Promise<void>
}

async function startTestStorage(
  prefix: string,
  defaults: S3ClientConfig = {},
): Promise<TestStorage> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const storage = await startStorage({
    directory: dir,
    port: await freePort(),
    bucket: 'media',
    allowedOrigins: [SPA_ORIGIN],
  })
  const client = (overrides: S3ClientConfig = {}) =>
    new S3Client({
      endpoint: storage.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      // s3rver predates the SDK's default CRC32 trailers; production code sets the same option.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...defaults,
      ...overrides,
    })
  const s3 = client()
  return {
    storage,
    s3,
    client,
    stop: async () => {
      s3.destroy()
      await storage.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** An S3 error answer: its status, `<Code>` and the whole XML text. */
export async function xmlError(
  res: Response,
): Promise<{ status: number; code: string; text: string }> {
  const text = await res.text()
  return { status: res.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '', text }
}

/**
 * A test storage for the calling file's tests: started before them, stopped after. Read its parts
 * inside tests or hooks (they exist once the file's first `beforeAll` has run).
 */
export function useTestStorage(prefix: string, defaults: S3ClientConfig = {}) {
  let current: TestStorage | undefined
  beforeAll(async () => {
    current = await startTestStorage(prefix, defaults)
  })
  afterAll(() => current?.stop())
  const started = () => {
    if (!current) throw new Error('the test storage has not started (use it inside a test)')
    return current
  }
  return {
    get storage() {
      return started().storage
    },
    get s3() {
      return started().s3
    },
    client: (overrides?: S3ClientConfig) => started().client(overrides),
  }
}

export async function newUpload(s3: S3Client, key: string): Promise<string> {
  const out = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'media', Key: key }))
  return out.UploadId as string
}

/** The part numbers ListParts answers for an upload. */
export async function partNumbers(s3: S3Client, key: string, uploadId: string): Promise<number[]> {
  const listed = await s3.send(
    new ListPartsCommand({ Bucket: 'media', Key: key, UploadId: uploadId }),
  )
  return (listed.Parts ?? []).map((p) => p.PartNumber as number)
}

/** A presigned part PUT, as the uploads function hands the browser; `contentLength` pins the size. */
export function presignPart(
  s3: S3Client,
  part: { key: string; uploadId: string; partNumber: number; contentLength?: number },
): Promise<string> {
  return getSignedUrl(
    s3,
    new UploadPartCommand({
      Bucket: 'media',
      Key: part.key,
      UploadId: part.uploadId,
      PartNumber: part.partNumber,
      ContentLength: part.contentLength,
    }),
    { expiresIn: 3600 },
  )
}
