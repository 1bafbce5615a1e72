import { api } from './api'
import { getItems } from './request'

// PL-1: the `playlists` function.

export interface Playlist {
  id: string
  name: string
  description: string | null
  tags: string[]
  segment_count: number
}

export interface PlaylistItem {
  id: string
  media_asset_id: string
  start_seconds: number
  end_seconds: number
  title: string | null
  media_name: string
}

export const playlistsApi = {
  list: (orgId: string) => getItems<Playlist>('playlists', { orgId }),
  items: async (playlistId: string) =>
    (await api<{ segments: PlaylistItem[] }>('GET', `playlists/${playlistId}`)).segments,
  create: (body: { orgId: string; name: string; tags: string[] }) => api('POST', 'playlists', body),
  remove: (playlistId: string) => api('DELETE', `playlists/${playlistId}`),
  reorder: (playlistId: string, segmentIds: string[]) =>
    api('PUT', `playlists/${playlistId}/order`, { segmentIds }),
  addSegment: (playlistId: string, segmentId: string) =>
    api('POST', `playlists/${playlistId}/segments`, { segmentId }),
  removeSegment: (playlistId: string, segmentId: string) =>
    api('DELETE', `playlists/${playlistId}/segments/${segmentId}`),
}
