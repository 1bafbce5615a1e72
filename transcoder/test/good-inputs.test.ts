// TX-3 TX-4 TX-5: good inputs go through the real worker (database lease, s3rver, ffmpeg) and
// every output is checked with ffprobe.
import { mkdtemp, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goodInputs, makeVideo } from './support/media'
import { downloadOutputs, keyframeTimes, segmentDurations, streamsOf } from './support/outputs'
import { startTestPlatform, waitFor, type TestPlatform } from './support/platform'
import { startWorker, type RunningWorker } from './support/worker'

let platform: TestPlatform
let running: RunningWorker

beforeAll(async () => {
  platform = await startTestPlatform()
  running = startWorker(platform)
})

afterAll(async () => {
  await running?.stop()
  await platform?.stop()
})

async function transcode(name: keyof typeof goodInputs) {
  const input = await makeVideo(join(platform.dir, `${name}.mp4`), goodInputs[name])
  const upload = await platform.createUpload(input)
  const job = await waitFor(async () => {
    const row = await platform.db.job(upload.jobId)
    return row && row.state !== 'queued' && row.state !== 'running' ? row : null
  }, `job ${upload.jobId}`)
  const { rows } = await platform.query<Record<string, unknown>>(
    'select * from public.media_assets where id = $1',
    [upload.assetId],
  )
  const out = await mkdtemp(join(platform.dir, `${name}-out-`))
  const files = await downloadOutputs(platform, upload.prefix, out)
  return { job, asset: rows[0]!, out, files, upload }
}

async function checkRung(dir: string, width: number, height: number, audio: boolean) {
  const { streams } = await streamsOf(join(dir, 'seg_00000.ts'))
  const video = streams.find((s) => s.codec_type === 'video')!
  expect([video.codec_name, video.width, video.height]).toEqual(['h264', width, height])
  const sound = streams.find((s) => s.codec_type === 'audio')
  if (audio)
    expect([sound?.codec_name, sound?.channels, sound?.sample_rate]).toEqual(['aac', 2, '48000'])
  else expect(sound).toBeUndefined()
  const durations = await segmentDurations(join(dir, 'index.m3u8'))
  for (const d of durations.slice(0, -1)) expect(d).toBeCloseTo(6, 1)
  expect(durations.at(-1)!).toBeLessThanOrEqual(6.05)
}

describe('good inputs', () => {
  it('1080p with audio: four rungs, aligned keyframes, master, storyboard, poster', async () => {
    const { job, asset, out, files, upload } = await transcode('landscape1080')
    expect(job.state).toBe('succeeded')
    expect(asset).toMatchObject({
      status: 'complete',
      playable: true,
      progress: 1,
      width: 1920,
      height: 1080,
      master_playlist_key: `${upload.prefix}/hls/master.m3u8`,
      poster_key: `${upload.prefix}/poster.jpg`,
      storyboard_vtt_key: `${upload.prefix}/storyboard/storyboard.vtt`,
      error_code: null,
    })
    expect(asset.duration_seconds as number).toBeCloseTo(14, 0)
    const renditions = asset.renditions as { name: string; codecs: string; playlist: string }[]
    expect(renditions.map((r) => r.name)).toEqual(['360p', '480p', '720p', '1080p'])
    expect(renditions[0]).toMatchObject({ width: 640, height: 360, playlist: '360p/index.m3u8' })
    // ultrafast (the test preset) yields Constrained Baseline; the string reflects what was encoded.
    expect(renditions.every((r) => /^avc1\.42e0[0-9a-f]{2},mp4a\.40\.2$/.test(r.codecs))).toBe(true)

    const sizes = {
      '360p': [640, 360],
      '480p': [854, 480],
      '720p': [1280, 720],
      '1080p': [1920, 1080],
    }
    const keyframes: number[][] = []
    for (const [rung, [w, h]] of Object.entries(sizes)) {
      await checkRung(join(out, 'hls', rung), w!, h!, true)
      keyframes.push(await keyframeTimes(join(out, 'hls', rung)))
    }
    // A keyframe every 2 s, at the same instants in every rung.
    expect(keyframes[0]).toEqual([0, 2, 4, 6, 8, 10, 12])
    for (const times of keyframes) expect(times).toEqual(keyframes[0])

    const master = await readFile(join(out, 'hls', 'master.m3u8'), 'utf8')
    const variants = [...master.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)/g)]
    expect(variants.map((v) => v[2])).toEqual(renditions.map((r) => r.playlist))
    for (const [, attrs] of variants) {
      expect(attrs).toMatch(/BANDWIDTH=\d+/)
      expect(attrs).toMatch(/RESOLUTION=\d+x\d+/)
      expect(attrs).toMatch(/CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/)
    }

    // Storyboard: one cue per 6 s, each pointing inside an existing 5×5 sprite of 320 px tiles.
    const vtt = await readFile(join(out, 'storyboard', 'storyboard.vtt'), 'utf8')
    const cues = [
      ...vtt.matchAll(/(\S+) --> (\S+)\n(sprite_\d{3}\.jpg)#xywh=(\d+),(\d+),(\d+),(\d+)/g),
    ]
    expect(cues.map((c) => c[1])).toEqual(['00:00:00.000', '00:00:06.000', '00:00:12.000'])
    for (const cue of cues) {
      const [x, y, w, h] = cue.slice(4).map(Number) as [number, number, number, number]
      expect([w, h]).toEqual([320, 180])
      const sprite = (await streamsOf(join(out, 'storyboard', cue[3]!))).streams[0]!
      expect([sprite.width, sprite.height]).toEqual([1600, 900])
      expect(x + w).toBeLessThanOrEqual(sprite.width!)
      expect(y + h).toBeLessThanOrEqual(sprite.height!)
    }
    const poster = (await streamsOf(join(out, 'poster.jpg'))).streams[0]!
    expect([poster.codec_name, poster.width, poster.height]).toEqual(['mjpeg', 1280, 720])
    expect(files).toContain('storyboard/sprite_000.jpg')
    expect(files.filter((f) => f.startsWith('original/'))).toEqual(['original/source.mp4'])

    // TX-5: the 360p rung was published (and the asset playable) before the ladder finished.
    const published = running.logs.filter((l) => l.event === 'published' && l.jobId === job.id)
    expect(published.map((l) => l.rungs)).toEqual([['360p'], ['360p', '480p', '720p', '1080p']])
  })

  it('portrait: rungs sized by the short side, aspect kept', async () => {
    const { job, asset, out } = await transcode('portrait')
    expect(job.state).toBe('succeeded')
    expect(asset).toMatchObject({ width: 720, height: 1280, status: 'complete' })
    const names = (asset.renditions as { name: string }[]).map((r) => r.name)
    expect(names).toEqual(['360p', '480p', '720p'])
    await checkRung(join(out, 'hls', '360p'), 360, 640, true)
    await checkRung(join(out, 'hls', '720p'), 720, 1280, true)
    const vtt = await readFile(join(out, 'storyboard', 'storyboard.vtt'), 'utf8')
    expect(vtt).toContain('sprite_000.jpg#xywh=0,0,320,568')
  })

  it('no audio: video-only rungs and CODECS without mp4a', async () => {
    const { job, asset, out } = await transcode('silent')
    expect(job.state).toBe('succeeded')
    await checkRung(join(out, 'hls', '720p'), 1280, 720, false)
    const renditions = asset.renditions as { codecs: string }[]
    expect(renditions.every((r) => /^avc1\.[0-9a-f]{6}$/.test(r.codecs))).toBe(true)
  })

  it('short 4K: the ladder tops out at 1080p', async () => {
    const { job, asset, out } = await transcode('short4k')
    expect(job.state).toBe('succeeded')
    expect(asset).toMatchObject({ width: 3840, height: 2160 })
    expect((asset.renditions as { name: string }[]).map((r) => r.name)).toEqual([
      '360p',
      '480p',
      '720p',
      '1080p',
    ])
    await checkRung(join(out, 'hls', '1080p'), 1920, 1080, true)
  })
})
