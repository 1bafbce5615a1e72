import { api } from './api'
import { getItems } from './request'
import type { WatchReport } from '../lib/offline/watchQueue'

// FEED-1 / FEED-2: the `feed` function, as a player reads it.

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

export const feedApi = {
  inbox: (orgId: string) => getItems<InboxItem>('feed/inbox', { orgId }),
  moments: (orgId: string) => getItems<Moment>('feed/moments', { orgId }),
  watch: (report: WatchReport) => api<WatchAnswer>('POST', 'feed/watch', report),
}
