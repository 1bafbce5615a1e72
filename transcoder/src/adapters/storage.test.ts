// The worker's storage adapter against the local S3 stand-in, which verifies SigV4 and, like Wasabi
// and MinIO, refuses DeleteObjects without Content-MD5 (the SDK alone sends only CRC32).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../../local/src/ports'
import { startStorage, type Storage as StandIn } from '../../../local/src/storage'
import { Storage } from './storage'

let dir: string
let standIn: StandIn
let storage: Storage

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rc-worker-storage-'))
  standIn = await startStorage({
    directory: join(dir, 's3'),
    port: await freePort(),
    bucket: 'media',
    allowedOrigins: [],
  })
  storage = new Storage({
    endpoint: standIn.endpoint,
    region: 'us-east-1',
    bucket: 'media',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  })
})

afterAll(async () => {
  storage?.close()
  await standIn?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('worker storage adapter', () => {
  it('uploads, lists, downloads and deletes a prefix (DeleteObjects with Content-MD5)', async () => {
    const file = join(dir, 'seg.ts')
    writeFileSync(file, Buffer.alloc(4096, 7))
    for (const name of ['a.ts', 'b.ts', 'index.m3u8']) {
      expect(await storage.upload(`orgs/o/media/m/hls/360p/${name}`, file)).toBe(4096)
    }
    expect((await storage.list('orgs/o/media/m/hls/')).map((o) => o.key).sort()).toEqual([
      'orgs/o/media/m/hls/360p/a.ts',
      'orgs/o/media/m/hls/360p/b.ts',
      'orgs/o/media/m/hls/360p/index.m3u8',
    ])
    const copy = join(dir, 'copy.ts')
    expect(await storage.download('orgs/o/media/m/hls/360p/a.ts', copy)).toBe(4096)
    expect(readFileSync(copy).equals(readFileSync(file))).toBe(true)

    expect(await storage.deletePrefix('orgs/o/media/m/hls/')).toBe(3)
    expect(await storage.list('orgs/o/media/m/hls/')).toEqual([])
  })

  it('the stand-in refuses the same DeleteObjects from a bare SDK client', async () => {
    const bare = new S3Client({
      endpoint: standIn.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    })
    await expect(
      bare.send(
        new DeleteObjectsCommand({ Bucket: 'media', Delete: { Objects: [{ Key: 'x/y' }] } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequest' })
    bare.destroy()
  })
})
