// B-6: which files make one clip playable offline. A saved clip is the lowest rung's segments
// that overlap the clip (plus its init segment, if any), listed in a playlist of our own, so a
// phone stores a few megabytes per clip instead of the whole match ladder.

export interface Variant {
  url: string
  bandwidth: number
  height: number | null
}

export interface MediaSegment {
  url: string
  duration: number
  /** Seconds from the start of the playlist. */
  start: number
}

export interface MediaPlaylist {
  segments: MediaSegment[]
  /** `#EXT-X-MAP` init segment (fMP4), when present. */
  initUrl: string | null
  targetDuration: number
}

export interface ClipPlan {
  /** Original URLs to fetch, each with the stable key it is stored under. */
  files: { url: string; key: string }[]
  /** The playlist to store; it refers to the stored files by key. */
  playlist: string
  /** Where the first kept segment starts in the match: subtract it from match times. */
  offset: number
  duration: number
}

const attr = (line: string, name: string): string | null => {
  const match = new RegExp(`(?:^|[:,])${name}=("([^"]*)"|[^,]*)`).exec(line)
  return match ? (match[2] ?? match[1] ?? null) : null
}

/** A storage key for a URL: signed query strings change on every fetch, the path does not. */
export function cacheKey(url: string): string {
  const u = new URL(url)
  u.search = ''
  u.hash = ''
  return u.href
}

export function parseMaster(text: string, baseUrl: string): Variant[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim())
  const variants: Variant[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (!line.startsWith('#EXT-X-STREAM-INF:')) continue
    const uri = lines.slice(i + 1).find((l) => l !== '' && !l.startsWith('#'))
    if (!uri) continue
    const resolution = attr(line, 'RESOLUTION')
    const height = resolution ? Number(resolution.split('x')[1]) : NaN
    variants.push({
      url: new URL(uri, baseUrl).href,
      bandwidth: Number(attr(line, 'BANDWIDTH') ?? 0) || 0,
      height: Number.isFinite(height) ? height : null,
    })
  }
  return variants
}

/** The rung to keep on a phone: the smallest one (the ladder is never above the source). */
export function pickVariant(variants: Variant[]): Variant | null {
  return variants.reduce<Variant | null>(
    (best, v) => (best === null || v.bandwidth < best.bandwidth ? v : best),
    null,
  )
}

export function parseMedia(text: string, baseUrl: string): MediaPlaylist {
  const segments: MediaSegment[] = []
  let initUrl: string | null = null
  let targetDuration = 0
  let pending: number | null = null
  let at = 0
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '') continue
    if (line.startsWith('#EXT-X-TARGETDURATION:')) {
      targetDuration = Number(line.slice('#EXT-X-TARGETDURATION:'.length)) || 0
    } else if (line.startsWith('#EXT-X-MAP:')) {
      const uri = attr(line.slice('#EXT-X-MAP:'.length), 'URI')
      if (uri) initUrl = new URL(uri, baseUrl).href
    } else if (line.startsWith('#EXTINF:')) {
      pending = Number.parseFloat(line.slice('#EXTINF:'.length)) || 0
    } else if (!line.startsWith('#') && pending !== null) {
      segments.push({ url: new URL(line, baseUrl).href, duration: pending, start: at })
      at += pending
      pending = null
    }
  }
  return { segments, initUrl, targetDuration }
}

/**
 * The files and playlist for the clip [start, end] of a match. `keyBase` is the folder of stable
 * keys the clip is stored under (one per saved clip). Throws when nothing overlaps the clip.
 */
export function planClip(
  media: MediaPlaylist,
  start: number,
  end: number,
  keyBase: string,
): ClipPlan {
  const kept = media.segments.filter((s) => s.start < end && s.start + s.duration > start)
  if (kept.length === 0) throw new Error('The clip lies outside the published video.')
  const files: ClipPlan['files'] = []
  const out = ['#EXTM3U', '#EXT-X-VERSION:6']
  const target = Math.ceil(Math.max(media.targetDuration, ...kept.map((s) => s.duration)))
  out.push(`#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD')
  if (media.initUrl) {
    const key = `${keyBase}/init${extension(media.initUrl, '.mp4')}`
    files.push({ url: media.initUrl, key })
    out.push(`#EXT-X-MAP:URI="${key}"`)
  }
  kept.forEach((s, i) => {
    const key = `${keyBase}/seg-${String(i).padStart(4, '0')}${extension(s.url, '.ts')}`
    files.push({ url: s.url, key })
    out.push(`#EXTINF:${s.duration.toFixed(6)},`, key)
  })
  out.push('#EXT-X-ENDLIST')
  const first = kept[0]!
  const last = kept[kept.length - 1]!
  return {
    files,
    playlist: out.join('\n') + '\n',
    offset: first.start,
    duration: last.start + last.duration - first.start,
  }
}

function extension(url: string, fallback: string): string {
  const match = /\.[a-z0-9]{1,5}$/i.exec(new URL(url).pathname)
  return match ? match[0].toLowerCase() : fallback
}

/** Swaps stored keys in a saved playlist for playable (blob:) URLs at play time. */
export function bindPlaylist(
  playlist: string,
  urlFor: (key: string) => string | undefined,
): string {
  return playlist
    .split('\n')
    .map((line) => {
      if (line.startsWith('#EXT-X-MAP:')) {
        return line.replace(/URI="([^"]*)"/, (_m, key: string) => `URI="${urlFor(key) ?? key}"`)
      }
      return line !== '' && !line.startsWith('#') ? (urlFor(line) ?? line) : line
    })
    .join('\n')
}
