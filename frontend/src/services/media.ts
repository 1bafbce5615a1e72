import { api, withQuery } from './api'
import type {
  CreateUploadResponse,
  MediaAsset,
  MediaKind,
  Page,
  PlaybackResponse,
  UploadPart,
  UploadStateResponse,
} from '../lib/types'
import type { UploadBackend } from '../lib/upload/queue'
import type { ChangesPage } from '../composables/useLiveChanges'

export const uploadBackend: UploadBackend = {
  create: (input) => api<CreateUploadResponse>('POST', 'media/uploads', input),
  state: (assetId) => api<UploadStateResponse>('GET', `media/uploads/${assetId}`),
  partUrls: (assetId, partNumbers) =>
    api<{ parts: UploadPart[] }>('POST', `media/uploads/${assetId}/parts`, { partNumbers }),
  complete: (assetId, parts) =>
    api<{ asset: MediaAsset }>('POST', `media/uploads/${assetId}/complete`, parts ? { parts } : {}),
  abort: async (assetId) => {
    await api<unknown>('DELETE', `media/uploads/${assetId}`)
  },
}

export function listMedia(query: {
  orgId: string
  q?: string
  kind?: MediaKind | ''
  page?: number
  pageSize?: number
}): Promise<Page<MediaAsset>> {
  return api<Page<MediaAsset>>('GET', withQuery('media', query))
}

/** The org's videos that can be played (and so clipped, sent and listed in playlists). */
export async function listPlayable(orgId: string): Promise<MediaAsset[]> {
  const page = await listMedia({ orgId, pageSize: 100 })
  return page.items.filter((v) => v.status === 'complete' || v.playable)
}

export async function getMedia(assetId: string): Promise<MediaAsset> {
  return (await api<{ asset: MediaAsset }>('GET', `media/${assetId}`)).asset
}

export function getPlayback(assetId: string): Promise<PlaybackResponse> {
  return api<PlaybackResponse>('GET', `media/${assetId}/playback`)
}

/** MEDIA-3: rename a video or change its kind. */
export function updateMedia(assetId: string, body: { name: string; kind: MediaKind }) {
  return api<unknown>('PATCH', `media/${assetId}`, body)
}

export function deleteMedia(assetId: string) {
  return api<unknown>('DELETE', `media/${assetId}`)
}

/** MEDIA-3 live status: waits server-side (up to `timeout` s) until an asset after `since` changed. */
export function mediaChanges(
  query: { orgId: string; since: string; timeout: number },
  signal: AbortSignal,
): Promise<ChangesPage<MediaAsset>> {
  return api<ChangesPage<MediaAsset>>('GET', withQuery('media/changes', query), undefined, signal)
}
