import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Log } from '../log'
import { callExpecting, SeedError, type SeedTarget } from './api'
import { DEMO_VIDEO_NAME } from './users'

/** A synthetic 1080p match with a tone, encoded the way a phone or camera would hand it over. */
export function generateMatch(file: string, seconds: number, signal?: AbortSignal): Promise<void> {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=1920x1080:rate=25:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    // A synthetic picture compresses well; this keeps the upload near 20 MiB instead of 100.
    '-crf',
    '30',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-shortest',
    // moov first: the worker's ffprobe and a browser preview can read it before the end.
    '-movflags',
    '+faststart',
    file,
  ]
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], signal })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new SeedError(`ffmpeg exited ${code}: ${stderr.slice(-500)}`)),
    )
  })
}

interface PartUrl {
  partNumber: number
  url: string
}

interface UploadStart {
  asset: { id: string }
  partSize: number
  partCount: number
  parts: PartUrl[]
}

/** Exactly the browser's path: create the upload, PUT parts to presigned URLs, complete. */
export async function uploadLikeTheBrowser(
  target: SeedTarget,
  token: string,
  orgId: string,
  file: string,
  log: Log,
): Promise<string> {
  const size = statSync(file).size
  const { asset, partSize, partCount, parts } = await callExpecting<UploadStart>(
    201,
    target,
    'POST',
    '/functions/v1/media/uploads',
    token,
    {
      orgId,
      fileName: 'demo-match.mp4',
      sizeBytes: size,
      contentType: 'video/mp4',
      name: DEMO_VIDEO_NAME,
      kind: 'match',
    },
  )
  const urls = new Map(parts.map((p) => [p.partNumber, p.url]))
  const handle = await open(file, 'r')
  const done: { partNumber: number; etag: string }[] = []
  try {
    for (let partNumber = 1; partNumber <= partCount; partNumber++) {
      if (!urls.has(partNumber)) {
        // Create hands out the first batch of part URLs; the rest are asked for as needed.
        const wanted = Array.from(
          { length: Math.min(50, partCount - partNumber + 1) },
          (_, i) => partNumber + i,
        )
        const more = await callExpecting<{ parts: PartUrl[] }>(
          200,
          target,
          'POST',
          `/functions/v1/media/uploads/${asset.id}/parts`,
          token,
          { partNumbers: wanted },
        )
        for (const p of more.parts) urls.set(p.partNumber, p.url)
      }
      const start = (partNumber - 1) * partSize
      const length = Math.min(partSize, size - start)
      const buffer = Buffer.alloc(length)
      await handle.read(buffer, 0, length, start)
      const response = await fetch(urls.get(partNumber) as string, { method: 'PUT', body: buffer })
      if (!response.ok) {
        throw new SeedError(
          `PUT part ${partNumber} answered ${response.status}: ${await response.text()}`,
        )
      }
      done.push({ partNumber, etag: response.headers.get('etag') ?? '' })
    }
  } finally {
    await handle.close()
  }
  log(`uploaded ${(size / 1024 / 1024).toFixed(1)} MiB in ${partCount} part(s)`)
  await callExpecting(
    200,
    target,
    'POST',
    `/functions/v1/media/uploads/${asset.id}/complete`,
    token,
    { parts: done },
  )
  return asset.id
}

interface AssetProgress {
  status: string
  progress: number | null
  playable?: boolean
  error?: { code: string; message: string } | null
}

/** Polls the asset until it is complete; returns when it first became playable and complete. */
export async function waitUntilPlayable(
  target: SeedTarget,
  token: string,
  assetId: string,
  log: Log,
  signal?: AbortSignal,
): Promise<{ playableAt: number; completeAt: number }> {
  let last = ''
  let playableAt = 0
  const deadline = Date.now() + 15 * 60 * 1000
  while (Date.now() < deadline) {
    const { asset } = await callExpecting<{ asset: AssetProgress }>(
      200,
      target,
      'GET',
      `/functions/v1/media/${assetId}`,
      token,
    )
    // Status changes and 10 % steps; polling every second would otherwise flood the console.
    const line = `${asset.status} ${Math.floor((asset.progress ?? 0) * 10) * 10}%${asset.playable ? ' (playable)' : ''}`
    if (line !== last) log(`demo match: ${line}`)
    last = line
    if (asset.playable && !playableAt) playableAt = Date.now()
    if (asset.status === 'complete')
      return { playableAt: playableAt || Date.now(), completeAt: Date.now() }
    if (asset.status === 'failed')
      throw new SeedError(`the demo match failed: ${asset.error?.message ?? 'no reason given'}`)
    // A stopping platform ends the wait at once instead of after the next poll fails.
    await sleep(1000, undefined, { signal })
  }
  throw new SeedError('the demo match did not finish within 15 minutes')
}
