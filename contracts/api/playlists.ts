// Response and request shapes of the `playlists` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.

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
