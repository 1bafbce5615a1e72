// B-6: clips a player saves for offline viewing, kept in the Cache API (which the service worker
// and the page share) and played back from blob: URLs, so playback needs no network and works
// whether or not the service worker controls the page yet.
import { getPlayback } from './media'
import {
  bindPlaylist,
  cacheKey,
  parseMaster,
  parseMedia,
  pickVariant,
  planClip,
} from '../lib/offline/hls'
import { WatchQueue } from '../lib/offline/watchQueue'

export const OFFLINE_CACHE = 'rc-offline-clips'

export interface SavedClip {
  segmentId: string
  assetId: string
  orgId: string
  assignmentId: string | null
  title: string
  /** The clip in match time. */
  start: number
  end: number
  /** Match time at which the stored video begins. */
  offset: number
  bytes: number
  savedAt: string
  hasPoster: boolean
}

export interface SaveProgress {
  done: number
  total: number
}

export const offlineSupported = () =>
  typeof window !== 'undefined' && 'caches' in window && typeof Blob !== 'undefined'

const base = (segmentId: string) => `${window.location.origin}/offline-clips/${segmentId}`
const metaKey = (segmentId: string) => `${base(segmentId)}/meta.json`
const playlistKey = (segmentId: string) => `${base(segmentId)}/index.m3u8`
const posterKey = (segmentId: string) => `${base(segmentId)}/poster.jpg`

async function fetchOk(url: string, signal?: AbortSignal, fresh = false): Promise<Response> {
  // `fresh` skips the HTTP cache: a poster shown by <video> was fetched without CORS, and that
  // cached copy (storage sends no Vary: Origin) would fail a CORS read.
  const response = await fetch(url, {
    signal,
    credentials: 'omit',
    ...(fresh ? { cache: 'no-store' as const } : {}),
  })
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${cacheKey(url)}`)
  return response
}

/** Every saved clip of an org (all orgs when omitted), newest first. */
export async function listSaved(orgId?: string): Promise<SavedClip[]> {
  if (!offlineSupported()) return []
  const cache = await caches.open(OFFLINE_CACHE)
  const keys = (await cache.keys()).filter((r) => r.url.endsWith('/meta.json'))
  const clips: SavedClip[] = []
  for (const request of keys) {
    const response = await cache.match(request)
    const clip = response ? ((await response.json()) as SavedClip) : null
    if (clip && (!orgId || clip.orgId === orgId)) clips.push(clip)
  }
  return clips.sort((a, b) => b.savedAt.localeCompare(a.savedAt))
}

export async function removeSaved(segmentId: string): Promise<void> {
  const cache = await caches.open(OFFLINE_CACHE)
  const prefix = `${base(segmentId)}/`
  for (const request of await cache.keys()) {
    if (request.url.startsWith(prefix)) await cache.delete(request)
  }
}

/**
 * Downloads the lowest rung's segments covering the clip, its playlist and poster. The clip is
 * listed only once every file is stored; a failure removes what was stored so far.
 */
export async function saveClip(
  clip: Omit<SavedClip, 'offset' | 'bytes' | 'savedAt' | 'hasPoster'>,
  onProgress: (p: SaveProgress) => void,
  signal?: AbortSignal,
): Promise<SavedClip> {
  if (!offlineSupported()) throw new Error('This browser cannot keep videos offline.')
  const playback = await getPlayback(clip.assetId)
  if (!playback.ready || !playback.masterPlaylistUrl) {
    throw new Error('This clip is still being processed. Save it once it plays.')
  }
  const masterText = await (await fetchOk(playback.masterPlaylistUrl, signal)).text()
  const variant = pickVariant(parseMaster(masterText, playback.masterPlaylistUrl))
  if (!variant) throw new Error('This video has no playable version yet.')
  const mediaText = await (await fetchOk(variant.url, signal)).text()
  const plan = planClip(
    parseMedia(mediaText, variant.url),
    clip.start,
    clip.end,
    base(clip.segmentId),
  )

  // Asking for persistence keeps the browser from evicting saved clips under storage pressure.
  void navigator.storage?.persist?.().catch(() => false)
  const cache = await caches.open(OFFLINE_CACHE)
  const total = plan.files.length + (playback.posterUrl ? 1 : 0)
  let done = 0
  let bytes = 0
  onProgress({ done, total })
  try {
    for (const file of plan.files) {
      const body = await (await fetchOk(file.url, signal)).blob()
      bytes += body.size
      await cache.put(file.key, new Response(body, { headers: { 'content-type': 'video/mp2t' } }))
      onProgress({ done: ++done, total })
    }
    let hasPoster = false
    if (playback.posterUrl) {
      try {
        const poster = await (await fetchOk(playback.posterUrl, signal, true)).blob()
        await cache.put(posterKey(clip.segmentId), new Response(poster))
        bytes += poster.size
        hasPoster = true
      } catch {
        // A missing poster never blocks the clip itself.
      }
      onProgress({ done: ++done, total })
    }
    await cache.put(
      playlistKey(clip.segmentId),
      new Response(plan.playlist, { headers: { 'content-type': 'application/vnd.apple.mpegurl' } }),
    )
    const saved: SavedClip = {
      ...clip,
      offset: plan.offset,
      bytes,
      savedAt: new Date().toISOString(),
      hasPoster,
    }
    await cache.put(metaKey(clip.segmentId), new Response(JSON.stringify(saved)))
    return saved
  } catch (error) {
    await removeSaved(clip.segmentId).catch(() => undefined)
    throw error
  }
}

export interface OfflinePlayback {
  clip: SavedClip
  src: string
  poster: string | null
  release: () => void
}

/** A playable source for a saved clip, built from the cache alone; null if it is not saved. */
export async function openSaved(segmentId: string): Promise<OfflinePlayback | null> {
  if (!offlineSupported()) return null
  const cache = await caches.open(OFFLINE_CACHE)
  const meta = await cache.match(metaKey(segmentId))
  const playlist = await cache.match(playlistKey(segmentId))
  if (!meta || !playlist) return null
  const clip = (await meta.json()) as SavedClip
  const text = await playlist.text()
  const urls = new Map<string, string>()
  const created: string[] = []
  const keys = text
    .split('\n')
    .flatMap((line) =>
      line.startsWith('#EXT-X-MAP:')
        ? [/URI="([^"]*)"/.exec(line)?.[1] ?? '']
        : line && !line.startsWith('#')
          ? [line]
          : [],
    )
    .filter(Boolean)
  for (const key of keys) {
    const file = await cache.match(key)
    if (!file) {
      created.forEach((u) => URL.revokeObjectURL(u))
      return null
    }
    const url = URL.createObjectURL(await file.blob())
    created.push(url)
    urls.set(key, url)
  }
  const src = URL.createObjectURL(
    new Blob([bindPlaylist(text, (key) => urls.get(key))], {
      type: 'application/vnd.apple.mpegurl',
    }),
  )
  created.push(src)
  let poster: string | null = null
  const posterFile = clip.hasPoster ? await cache.match(posterKey(segmentId)) : undefined
  if (posterFile) {
    poster = URL.createObjectURL(await posterFile.blob())
    created.push(poster)
  }
  return { clip, src, poster, release: () => created.forEach((u) => URL.revokeObjectURL(u)) }
}

const queues = new Map<string, WatchQueue>()

/**
 * B-6 / FEED-2: the offline watch queue of a signed-in user, kept in localStorage (small, shared
 * by every tab, survives a restart). One instance per user, so overlapping flushes from this tab
 * share one run. Null when the browser offers no storage (then a watch offline is not kept).
 */
export function watchQueueFor(userId: string): WatchQueue | null {
  const known = queues.get(userId)
  if (known) return known
  try {
    const queue = new WatchQueue(window.localStorage, userId)
    queues.set(userId, queue)
    return queue
  } catch {
    return null
  }
}
