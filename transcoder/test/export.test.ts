// MEDIA-6 / B-4: a segment exported as a standalone MP4 by the real worker, checked with ffprobe.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeVideo } from './support/media'
import { streamsOf } from './support/outputs'
import { startTestPlatform, waitFor, type TestPlatform } from './support/platform'
import { startWorker, type RunningWorker } from './support/worker'

let platform: TestPlatform
let running: RunningWorker
let upload: { assetId: string; jobId: string; prefix: string }
let orgId: string
let originalKey: string

beforeAll(async () => {
  platform = await startTestPlatform()
  running = startWorker(platform)
  const input = await makeVideo(join(platform.dir, 'source.mp4'), {
    width: 1920,
    height: 1080,
    seconds: 12,
    fps: 10,
    audio: true,
  })
  upload = await platform.createUpload(input)
  const { rows } = await platform.query<{ org_id: string; original_key: string }>(
    'select org_id, original_key from public.media_assets where id = $1',
    [upload.assetId],
  )
  orgId = rows[0]!.org_id
  originalKey = rows[0]!.original_key
  await finished(upload.jobId)
})

afterAll(async () => {
  await running?.stop()
  await platform?.stop()
})

function finished(jobId: string) {
  return waitFor(async () => {
    const row = await platform.db.job(jobId)
    return row && row.state !== 'queued' && row.state !== 'running' ? row : null
  }, `job ${jobId}`)
}

async function queueExport(payload: Record<string, unknown>) {
  const { rows } = await platform.query<{ id: string }>(
    `insert into public.jobs (org_id, media_asset_id, type, payload, max_attempts)
     values ($1, $2, 'export', $3::jsonb, 1) returning id`,
    [
      orgId,
      upload.assetId,
      { kind: 'segment_mp4', assetId: upload.assetId, originalKey, ...payload },
    ],
  )
  return rows[0]!.id
}

describe('clip export', () => {
  it('cuts the segment to a 720p H.264/AAC MP4 under the asset prefix', async () => {
    const key = `${upload.prefix}/exports/segment-a.mp4`
    const jobId = await queueExport({ segmentId: 'segment-a', startSeconds: 3, endSeconds: 9, key })
    const job = await finished(jobId)
    expect(job.state).toBe('succeeded')

    const object = await platform.storage.client.send(
      new GetObjectCommand({ Bucket: 'media', Key: key }),
    )
    expect(object.ContentType).toBe('video/mp4')
    const file = join(await mkdtemp(join(platform.dir, 'clip-')), 'clip.mp4')
    await writeFile(file, await object.Body!.transformToByteArray())
    const { streams, format } = await streamsOf(file)
    const video = streams.find((s) => s.codec_type === 'video')!
    expect([video.codec_name, video.width, video.height]).toEqual(['h264', 1280, 720])
    expect(streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac')
    expect(Number(format.duration)).toBeCloseTo(6, 0)
  })

  it('refuses a key outside the asset and leaves the match itself untouched', async () => {
    const jobId = await queueExport({
      segmentId: 'segment-b',
      startSeconds: 0,
      endSeconds: 6,
      key: `orgs/${orgId}/media/someone-else/exports/x.mp4`,
    })
    const job = await finished(jobId)
    expect(job.state).toBe('failed')
    const { rows } = await platform.query<{ status: string; playable: boolean }>(
      'select status, playable from public.media_assets where id = $1',
      [upload.assetId],
    )
    expect(rows[0]).toEqual({ status: 'complete', playable: true })
  })
})
