import { api } from './api'
import { getItems } from './request'
import type { WatchReport } from '../lib/offline/watchQueue'
import type { InboxItem, Moment, WatchAnswer } from '../../../contracts/api/feed.ts'

export type * from '../../../contracts/api/feed.ts'

// FEED-1 / FEED-2: the `feed` function, as a player reads it.

export const feedApi = {
  inbox: (orgId: string) => getItems<InboxItem>('feed/inbox', { orgId }),
  moments: (orgId: string) => getItems<Moment>('feed/moments', { orgId }),
  watch: (report: WatchReport) => api<WatchAnswer>('POST', 'feed/watch', report),
}
