// Downloads an asset's outputs and inspects them with ffprobe, the way a reviewer would.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { GetObjectCommand } from '@aws-sdk/client-s3'
import type { TestPlatform } from './platform'
import { ffprobeJson } from './media'

export async function downloadOutputs(platform: TestPlatform, prefix: string, into: string) {
  const keys = (await platform.storage.list(`${prefix}/`)).map((o) => o.key)
  for (const key of keys) {
    const response = await platform.storage.client.send(
      new GetObjectCommand({ Bucket: 'media', Key: key }),
    )
    const path = join(into, key.slice(prefix.length + 1))
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, Buffer.from(await response.Body!.transformToByteArray()))
  }
  return keys.map((k) => k.slice(prefix.length + 1)).sort()
}

export async function segmentDurations(playlistPath: string): Promise<number[]> {
  const text = await readFile(playlistPath, 'utf8')
  return [...text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]))
}

/** Keyframe times of a rung, read across its segments as a player would see them. */
export async function keyframeTimes(rungDir: string): Promise<number[]> {
  const playlist = join(rungDir, 'index.m3u8')
  const json = (await ffprobeJson([
    '-allowed_extensions',
    'ALL',
    '-select_streams',
    'v:0',
    '-skip_frame',
    'nokey',
    '-show_entries',
    'frame=pts_time',
    playlist,
  ])) as { frames?: { pts_time?: string }[] }
  const times = (json.frames ?? []).map((f) => Number(f.pts_time))
  const start = times[0] ?? 0
  return times.map((t) => Math.round((t - start) * 100) / 100)
}

export async function streamsOf(path: string) {
  const json = (await ffprobeJson(['-show_streams', '-show_format', path])) as {
    streams: {
      codec_type: string
      codec_name: string
      width?: number
      height?: number
      profile?: string
      sample_rate?: string
      channels?: number
    }[]
    format: { duration: string }
  }
  return json
}
