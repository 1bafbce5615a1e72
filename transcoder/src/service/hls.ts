// Reads what was actually encoded (segment sizes, H.264 profile/level) so the master playlist
// advertises the truth: BANDWIDTH is the peak segment bitrate, as the HLS spec defines it.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

export interface PublishedRung {
  name: string
  width: number
  height: number
  /** Peak segment bitrate, bits/s (HLS BANDWIDTH). */
  bandwidth: number
  averageBandwidth: number
  codecs: string
  frameRate: number
  playlist: string
  segments: number
}

export interface Segment {
  uri: string
  duration: number
}

export function parseMediaPlaylist(text: string): Segment[] {
  const segments: Segment[] = []
  let pending: number | null = null
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const inf = /^#EXTINF:([\d.]+)/.exec(line)
    if (inf) pending = Number(inf[1])
    else if (line && !line.startsWith('#') && pending !== null) {
      segments.push({ uri: line, duration: pending })
      pending = null
    }
  }
  return segments
}

const profileIds: Record<string, string> = {
  High: '6400',
  Main: '4d40',
  'Constrained Baseline': '42e0',
  Baseline: '4200',
}

/** RFC 6381 codec string for H.264 (avc1.PPCCLL) from ffprobe's profile name and level. */
export function avc1Codec(profile: string | undefined, level: number | undefined): string {
  const id = profileIds[profile ?? ''] ?? '6400'
  const lvl = Math.max(0, Math.min(255, level ?? 40))
  return `avc1.${id}${lvl.toString(16).padStart(2, '0')}`
}

export async function measureSegments(
  dir: string,
): Promise<{ peak: number; average: number; segments: Segment[] }> {
  const segments = parseMediaPlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'))
  let peak = 0
  let bits = 0
  let seconds = 0
  for (const segment of segments) {
    const size = (await stat(join(dir, segment.uri))).size * 8
    bits += size
    seconds += segment.duration
    // A sub-second tail segment is mostly header overhead; judging it over 1 s avoids a bogus peak.
    peak = Math.max(peak, size / Math.max(segment.duration, 1))
  }
  return { peak: Math.ceil(peak), average: Math.ceil(seconds ? bits / seconds : 0), segments }
}

export function masterPlaylist(rungs: PublishedRung[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS']
  for (const rung of [...rungs].sort((a, b) => a.bandwidth - b.bandwidth)) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${rung.bandwidth},AVERAGE-BANDWIDTH=${rung.averageBandwidth},` +
        `RESOLUTION=${rung.width}x${rung.height},FRAME-RATE=${rung.frameRate.toFixed(3)},` +
        `CODECS="${rung.codecs}"`,
      rung.playlist,
    )
  }
  return `${lines.join('\n')}\n`
}
