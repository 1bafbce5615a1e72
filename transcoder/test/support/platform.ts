// An in-memory platform for worker tests: PGlite (bootstrap + migrations applied in order) behind
// pglite-socket, and the platform's S3 stand-in (SigV4-verifying, as strict as S3) with the media
// bucket — on free ports, torn down by stop().
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import type { TranscodePayload } from '../../../contracts/jobs.ts'
import { assetKeys } from '../../../contracts/keys.ts'
import { Database } from '../../src/adapters/db'
import { Storage } from '../../src/adapters/storage'
import { createDatabase } from '../../../supabase/tests/db'
import { startStorage } from '../../../local/src/storage'
import { freePort } from './ports'

export interface TestPlatform {
  pg: PGlite
  /**
   * Queries through the wire protocol like every other client. Direct pg.query calls would
   * interleave with socket clients' multi-step extended-protocol flows on the one backend.
   */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>
  dbUrl: string
  s3Endpoint: string
  dir: string
  db: Database
  storage: Storage
  env: Record<string, string>
  createUpload(
    file: string,
    options?: { maxAttempts?: number },
  ): Promise<{ assetId: string; jobId: string; prefix: string }>
  stop(): Promise<void>
}

export async function startTestPlatform(): Promise<TestPlatform> {
  const dir = await mkdtemp(join(tmpdir(), 'rugbycodex-worker-test-'))
  // The same bootstrap + migrations the pgTAP suite runs on.
  const pg = await createDatabase()
  const dbPort = await freePort()
  const socket = new PGLiteSocketServer({
    db: pg,
    host: '127.0.0.1',
    port: dbPort,
    maxConnections: 50,
  })
  await socket.start()
  const dbUrl = `postgres://postgres@127.0.0.1:${dbPort}/postgres?sslmode=disable`

  const s3 = await startStorage({
    directory: join(dir, 's3'),
    port: await freePort(),
    bucket: 'media',
    allowedOrigins: [],
  })
  const s3Endpoint = s3.endpoint
  const env = {
    SUPABASE_DB_URL: dbUrl,
    S3_ENDPOINT: s3Endpoint,
    S3_REGION: 'us-east-1',
    S3_BUCKET: 'media',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
    FFMPEG_ENCODER: 'libx264',
    X264_PRESET: 'ultrafast',
  }
  const db = new Database(dbUrl)
  const storage = new Storage({
    endpoint: s3Endpoint,
    region: 'us-east-1',
    bucket: 'media',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  })
  const query = async <T>(text: string, params: unknown[] = []) => ({
    rows: await db.query<T>(text, params),
  })
  const orgId = randomUUID()
  await query(`insert into public.organizations (id, slug, name) values ($1, $2, 'Test RFC')`, [
    orgId,
    `test-${orgId.slice(0, 8)}`,
  ])

  return {
    pg,
    query,
    dbUrl,
    s3Endpoint,
    dir,
    db,
    storage,
    env,
    async createUpload(file, options = {}) {
      const body = await readFile(file)
      const { rows } = await query<{ id: string }>(`select private.uuid_v7()::text as id`)
      const assetId = rows[0]!.id
      const keys = assetKeys(orgId, assetId)
      const fileName = file.split('/').pop()!
      const originalKey = keys.original(fileName)
      await storage.client.send(
        new PutObjectCommand({ Bucket: 'media', Key: originalKey, Body: body }),
      )
      // What the media function and private.complete_upload leave behind: the stored original,
      // the asset `uploaded`, and its transcode job with the payload the worker runs on.
      await query(
        `insert into public.media_assets
           (id, org_id, name, status, file_name, content_type, size_bytes, storage_prefix, original_key)
         values ($1, $2, 'Test match', 'uploaded', $3, 'video/mp4', $4, $5, $6)`,
        [assetId, orgId, fileName, body.length, keys.prefix, originalKey],
      )
      const payload: TranscodePayload = { assetId, originalKey }
      const job = await query<{ id: string }>(
        `insert into public.jobs (org_id, media_asset_id, type, payload, max_attempts)
         values ($1, $2, 'transcode', $3::jsonb, $4) returning id`,
        [orgId, assetId, payload, options.maxAttempts ?? 3],
      )
      return { assetId, jobId: job.rows[0]!.id, prefix: keys.prefix.replace(/\/$/, '') }
    },
    async stop() {
      await db.close().catch(() => {})
      storage.close()
      await socket.stop().catch(() => {})
      await pg.close().catch(() => {})
      await s3.stop().catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 170_000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
