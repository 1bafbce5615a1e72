import { api } from './api'
import { getItems } from './request'
import type { Playlist, PlaylistItem } from '../../../contracts/api/playlists.ts'

export type * from '../../../contracts/api/playlists.ts'

// PL-1: the `playlists` function.

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
