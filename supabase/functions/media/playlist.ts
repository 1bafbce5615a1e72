// HLS playlist rewriting (MEDIA-4). Stored playlists use relative URIs; served playlists point
// variants back at this function (with the playback token) and segments at presigned GETs.
// URIs are resolved against the playlist's own key and must stay inside the asset's hls/ prefix.

export type UriMapper = (resolvedKey: string) => Promise<string> | string

/** Resolves `uri` relative to `baseKey`'s directory; undefined if it escapes `root`. */
export function resolveKey(baseKey: string, uri: string, root: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/')) return undefined
  const path = uri.split(/[?#]/)[0]!
  const parts = baseKey.split('/').slice(0, -1)
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      parts.pop()
      continue
    }
    parts.push(segment)
  }
  const key = parts.join('/')
  return key.startsWith(root) ? key : undefined
}

/**
 * Rewrites every URI line and every `URI="…"` attribute. URIs that escape the root or are
 * absolute are dropped (the line is removed), so a tampered playlist cannot point elsewhere.
 */
export async function rewritePlaylist(
  text: string,
  playlistKey: string,
  root: string,
  map: UriMapper,
): Promise<string> {
  const out: string[] = []
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line === '') continue
    if (line.startsWith('#')) {
      if (!line.includes('URI="')) {
        out.push(line)
        continue
      }
      let failed = false
      const replaced: string[] = []
      const pattern = /URI="([^"]*)"/g
      let last = 0
      for (const match of line.matchAll(pattern)) {
        const key = resolveKey(playlistKey, match[1]!, root)
        if (!key) {
          failed = true
          break
        }
        replaced.push(line.slice(last, match.index!), `URI="${await map(key)}"`)
        last = match.index! + match[0].length
      }
      if (!failed) out.push(replaced.join('') + line.slice(last))
      continue
    }
    const key = resolveKey(playlistKey, line, root)
    if (key) out.push(await map(key))
  }
  return out.join('\n') + '\n'
}

/** Valid playlist paths below `hls/`: the master or one rung's media playlist. */
export function isPlaylistPath(path: string): boolean {
  return path === 'master.m3u8' || /^[A-Za-z0-9_-]{1,32}\/index\.m3u8$/.test(path)
}

/** WebVTT storyboard: cue payloads are `sprite_000.jpg#xywh=…`; rewrite the URI part only. */
export async function rewriteStoryboard(
  text: string,
  vttKey: string,
  root: string,
  map: UriMapper,
): Promise<string> {
  const lines = text.split(/\r?\n/)
  const out: string[] = []
  for (const line of lines) {
    const match = /^([^\s#]+\.(?:jpg|jpeg|png|webp))(#xywh=\d+,\d+,\d+,\d+)?$/i.exec(line.trim())
    if (!match) {
      out.push(line)
      continue
    }
    const key = resolveKey(vttKey, match[1]!, root)
    if (key) out.push(`${await map(key)}${match[2] ?? ''}`)
  }
  return out.join('\n')
}
