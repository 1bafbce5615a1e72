// TX-2: bad inputs fail with the right code, leave no partial output, and the worker keeps going.
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeFile } from '../src/adapters/ffmpeg'
import { MediaError } from '../src/errors'
import { ffmpeg, makeBadInputs, makeVideo } from './support/media'
import { startTestPlatform, waitFor, type TestPlatform } from './support/platform'
import { startWorker, type RunningWorker } from './support/worker'

let platform: TestPlatform
let running: RunningWorker
let good: string

beforeAll(async () => {
  platform = await startTestPlatform()
  running = startWorker(platform)
  good = await makeVideo(join(platform.dir, 'good.mp4'), {
    width: 640,
    height: 360,
    seconds: 4,
    fps: 10,
    audio: true,
  })
})

afterAll(async () => {
  await running?.stop()
  await platform?.stop()
})

async function finished(jobId: string) {
  return waitFor(async () => {
    const job = await platform.db.job(jobId)
    return job && (job.state === 'succeeded' || job.state === 'failed') ? job : null
  }, `job ${jobId}`)
}

describe('bad inputs', () => {
  it('each fails with its code and a coach-readable reason; nothing is left in storage', async () => {
    const cases = await makeBadInputs(platform.dir, good)
    const uploads = []
    for (const bad of cases) uploads.push({ bad, upload: await platform.createUpload(bad.path) })
    for (const { bad, upload } of uploads) {
      const job = await finished(upload.jobId)
      expect(job.state, bad.name).toBe('failed')
      // Not retried: the same file fails the same way every time.
      expect(job.attempt, bad.name).toBe(1)
      const { rows } = await platform.query<Record<string, unknown>>(
        'select status, error_code, error_message, playable, renditions from public.media_assets where id = $1',
        [upload.assetId],
      )
      expect(rows[0], bad.name).toMatchObject({
        status: 'failed',
        error_code: bad.code,
        playable: false,
        renditions: [],
      })
      expect(rows[0]!.error_message as string).toMatch(/re-upload|upload/i)
      expect(rows[0]!.error_message as string).not.toMatch(/ffmpeg|ffprobe|demuxer|moov/i)
      const left = (await platform.storage.list(`${upload.prefix}/`)).map((o) => o.key)
      expect(left, bad.name).toEqual([`${upload.prefix}/original/source.mp4`])
    }
    // The worker survived all of them and still transcodes.
    const after = await platform.createUpload(good)
    expect((await finished(after.jobId)).state).toBe('succeeded')
    expect(running.worker.status).toBe('running')
  })

  it('never lets a playlist reach the file it names', async () => {
    // Unsandboxed, ffprobe would happily follow this playlist to a real local segment…
    const segment = join(platform.dir, 'secret.ts')
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x240:r=10:d=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      segment,
    ])
    const playlist = join(platform.dir, 'sneaky.mp4')
    await writeFile(
      playlist,
      `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${segment}\n#EXT-X-ENDLIST\n`,
    )
    const { stdout } = await promisify(execFile)('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name',
      '-of',
      'csv',
      playlist,
    ])
    expect(stdout).toContain('h264')
    // …the worker's probe refuses it, and its sandbox refuses it even past the signature check.
    await expect(probeFile(playlist, { timeoutMs: 10_000, memoryBytes: 0 })).rejects.toMatchObject({
      code: 'UNSUPPORTED_CONTAINER',
    })
    const disguised = join(platform.dir, 'disguised.mp4')
    await writeFile(disguised, `\n\n#EXTM3U\n#EXTINF:1,\n${segment}\n`)
    const error = await probeFile(disguised, { timeoutMs: 10_000, memoryBytes: 0 }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(MediaError)
    expect((error as MediaError).code).toMatch(/UNSUPPORTED_CONTAINER|INVALID_MEDIA/)
  })
})
