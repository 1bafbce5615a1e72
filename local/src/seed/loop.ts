import { SeedError } from './api'

/**
 * A VOD media playlist that plays `source`'s segments over and over until `targetSeconds` is
 * covered (the last loop stops at the first segment reaching it). Each loop restarts the
 * timestamps, so a discontinuity separates them. Returns the text and the length of one loop.
 */
export function loopMediaPlaylist(
  source: string,
  targetSeconds: number,
): { text: string; loopSeconds: number } {
  const header: string[] = []
  const segments: { lines: string[]; seconds: number }[] = []
  let pending: string[] = []
  let pendingSeconds = 0
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line === '#EXT-X-ENDLIST' || line === '#EXT-X-DISCONTINUITY') continue
    if (line.startsWith('#EXT-X-TARGETDURATION:')) continue
    if (line.startsWith('#EXTINF:')) {
      pendingSeconds = Number.parseFloat(line.slice('#EXTINF:'.length))
      pending.push(line)
    } else if (line.startsWith('#')) {
      // Tags before the first segment describe the playlist; later ones belong to a segment.
      if (segments.length === 0 && pending.length === 0 && !line.startsWith('#EXT-X-BYTERANGE'))
        header.push(line)
      else pending.push(line)
    } else {
      if (!Number.isFinite(pendingSeconds) || pendingSeconds <= 0)
        throw new SeedError(`segment ${line} has no usable #EXTINF`)
      segments.push({ lines: [...pending, line], seconds: pendingSeconds })
      pending = []
      pendingSeconds = 0
    }
  }
  if (header[0] !== '#EXTM3U' || segments.length === 0)
    throw new SeedError('the demo rung playlist has no segments')
  const loopSeconds = segments.reduce((sum, segment) => sum + segment.seconds, 0)
  const body: string[] = []
  let covered = 0
  let targetDuration = 1
  for (let loop = 0; loop === 0 || covered < targetSeconds; loop++) {
    if (loop > 0) body.push('#EXT-X-DISCONTINUITY')
    for (const segment of segments) {
      if (loop > 0 && covered >= targetSeconds) break
      body.push(...segment.lines)
      covered += segment.seconds
      targetDuration = Math.max(targetDuration, Math.ceil(segment.seconds))
    }
  }
  const [first, ...rest] = header
  const text = [
    first,
    ...rest,
    `#EXT-X-TARGETDURATION:${targetDuration}`,
    ...body,
    '#EXT-X-ENDLIST',
  ]
  return { text: text.join('\n') + '\n', loopSeconds }
}

function parseVttTime(text: string): number {
  const parts = text.split(':').map(Number)
  return parts.reduce((total, part) => total * 60 + part, 0)
}

function formatVttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor((ms % 3_600_000) / 60_000))}:${pad(
    Math.floor((ms % 60_000) / 1000),
  )}.${pad(ms % 1000, 3)}`
}

/**
 * The storyboard of a looped video: `source`'s cues (one loop of `loopSeconds`) repeated with
 * shifted times until `targetSeconds`, pointing at the same sprite tiles.
 */
export function loopStoryboard(source: string, loopSeconds: number, targetSeconds: number): string {
  const cues: { start: number; end: number; payload: string[] }[] = []
  for (const block of source.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((line) => line.trim() !== '')
    const timing = lines.findIndex((line) => line.includes('-->'))
    if (timing < 0) continue
    const [from, to] = lines[timing]!.split('-->').map((part) => part.trim().split(/\s+/)[0]!)
    const start = parseVttTime(from!)
    // The last cue may run past the video's end; a loop must not overlap the next one.
    if (!Number.isFinite(start) || start >= loopSeconds) continue
    cues.push({
      start,
      end: Math.min(parseVttTime(to!), loopSeconds),
      payload: lines.slice(timing + 1),
    })
  }
  if (cues.length === 0) throw new SeedError('the demo storyboard has no cues')
  if (!(loopSeconds > 0)) throw new SeedError('a storyboard loop needs a positive length')
  const out = ['WEBVTT', '']
  for (let offset = 0; offset < Math.max(targetSeconds, loopSeconds); offset += loopSeconds) {
    for (const cue of cues) {
      const start = offset + cue.start
      if (offset > 0 && start >= targetSeconds) break
      const end = offset > 0 ? Math.min(offset + cue.end, targetSeconds) : offset + cue.end
      out.push(`${formatVttTime(start)} --> ${formatVttTime(end)}`, ...cue.payload, '')
    }
  }
  return out.join('\n')
}
