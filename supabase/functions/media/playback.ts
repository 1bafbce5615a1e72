// Playback (MEDIA-4): the playback descriptor for members and the token-guarded HLS/storyboard
// routes that hls.js and the player fetch without an Authorization header.
import type { PlaybackResponse } from '../../../contracts/responses.ts'
import type { AuthUser } from '../_shared/auth.ts'
import { getCached, keys, TTL } from '../_shared/cache.ts'
import { readAsService, readAsUser } from '../_shared/db.ts'
import { supabaseUrl } from '../_shared/env.ts'
import { forbidden, HttpError, notFound } from '../_shared/http.ts'
import { signPlaybackToken, verifyPlaybackToken } from '../_shared/playback-token.ts'
import * as storage from '../_shared/storage.ts'
import { isPlaylistPath, rewritePlaylist, rewriteStoryboard } from './playlist.ts'
import { assetById } from './serialize.ts'

const TOKEN_PLACEHOLDER = '__PLAYBACK_TOKEN__'
/** Presigned segment URLs outlive the cached playlist that contains them by at least this. */
const SEGMENT_URL_SECONDS = 2 * 3600

export async function playbackFor(user: AuthUser, assetId: string): Promise<PlaybackResponse> {
  const row = await readAsUser(user, (tx) => assetById(tx, assetId))
  if (!row) throw notFound('Video not found.')
  if (!row.playable || !row.master_playlist_key) {
    return {
      ready: false,
      status: row.status,
      progress: Number(row.progress),
      stage: row.processing_stage,
      error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    }
  }
  const { token, expiresAt } = await signPlaybackToken(row.id)
  const base = `${supabaseUrl()}/functions/v1/media/${row.id}`
  return {
    ready: true,
    status: row.status,
    progress: Number(row.progress),
    masterPlaylistUrl: `${base}/hls/master.m3u8?token=${token}`,
    posterUrl: row.poster_key ? await storage.presignGet(row.poster_key) : null,
    storyboardUrl: row.storyboard_vtt_key ? `${base}/storyboard.vtt?token=${token}` : null,
    expiresAt: expiresAt.toISOString(),
  }
}

interface PlaybackKeys {
  org_id: string
  storage_prefix: string
  master_playlist_key: string | null
  storyboard_vtt_key: string | null
  playable: boolean
  /** Part of cache keys: the master playlist grows as rungs are published (TX-5). */
  rendition_count: number
}

async function assetForToken(assetId: string, token: string | null): Promise<PlaybackKeys> {
  // The token is checked before any lookup, so a bad token says nothing about existence.
  if (!(await verifyPlaybackToken(assetId, token))) {
    throw forbidden('This playback link is invalid or has expired.')
  }
  const row = await readAsService('resolve-playback-asset', async (tx) => {
    const [found] = await tx<PlaybackKeys[]>`
      select org_id, storage_prefix, master_playlist_key, storyboard_vtt_key, playable,
             jsonb_array_length(renditions) as rendition_count
      from public.media_assets where id = ${assetId}`
    return found
  })
  if (!row || !row.playable || !row.master_playlist_key) throw notFound('Video not found.')
  return row
}

function hlsRoot(row: PlaybackKeys): string {
  const master = row.master_playlist_key!
  return master.slice(0, master.lastIndexOf('/') + 1)
}

/** The signed playlist text for `path` (below hls/), with the caller's token substituted. */
export async function signedPlaylist(assetId: string, path: string, token: string | null) {
  if (!isPlaylistPath(path)) throw notFound('Playlist not found.')
  const row = await assetForToken(assetId, token)
  const root = hlsRoot(row)
  const key = `${root}${path}`
  const base = `${supabaseUrl()}/functions/v1/media/${assetId}/hls/`
  // Cached without the viewer's token (a placeholder) so one entry serves every viewer.
  const template = await getCached(
    keys.asset(row.org_id, assetId, 'hls', String(row.rendition_count), path),
    TTL.streamingUrl,
    async () => {
      const text = await storage.getObjectText(key)
      if (text === undefined) return undefined
      if (!text.startsWith('#EXTM3U')) throw new HttpError(404, 'NOT_FOUND', 'Playlist not found.')
      return await rewritePlaylist(text, key, root, async (target) => {
        const relative = target.slice(root.length)
        if (relative.endsWith('.m3u8') && isPlaylistPath(relative)) {
          return `${base}${relative}?token=${TOKEN_PLACEHOLDER}`
        }
        return await storage.presignGet(target, SEGMENT_URL_SECONDS)
      })
    },
    // Keyed by what changes it (rendition count), expired by TTL only: safe per isolate.
    { negativeTtlSeconds: 5, perIsolate: true },
  )
  if (template === undefined) throw notFound('Playlist not found.')
  return template.replaceAll(TOKEN_PLACEHOLDER, encodeURIComponent(token!))
}

export async function signedStoryboard(assetId: string, token: string | null): Promise<string> {
  const row = await assetForToken(assetId, token)
  if (!row.storyboard_vtt_key) throw notFound('Storyboard not found.')
  const vttKey = row.storyboard_vtt_key
  const text = await getCached(
    keys.asset(row.org_id, assetId, 'storyboard'),
    TTL.streamingUrl,
    async () => {
      const raw = await storage.getObjectText(vttKey)
      if (raw === undefined) return undefined
      return await rewriteStoryboard(raw, vttKey, row.storage_prefix, (target) =>
        storage.presignGet(target, SEGMENT_URL_SECONDS),
      )
    },
    { negativeTtlSeconds: 5, perIsolate: true },
  )
  if (text === undefined) throw notFound('Storyboard not found.')
  return text
}
