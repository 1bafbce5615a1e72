// Response and request shapes of the `feed` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.

export interface InboxItem {
  assignmentId: string
  title: string
  description: string | null
  dueAt: string | null
  status: string
  via: string[]
  completedSegments: number
  totalSegments: number
}

export interface Moment {
  segment_id: string
  media_asset_id: string
  media_name: string
  start_seconds: number
  end_seconds: number
  title: string | null
}

export interface WatchAnswer {
  completedSegmentIds: string[]
  completed: boolean
}
