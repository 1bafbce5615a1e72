import { api, withQuery } from './api'
import { getItems } from './request'

// OV-1 / OV-2: the `overview` function.

export interface MatchCoverage {
  media_asset_id: string
  name: string
  created_at: string
  narration_count: number
  largest_gap_minutes: number
}

export interface OrgDashboard {
  recentMatches: (MatchCoverage & { status: string })[]
  assignmentCompletion: {
    recipients: number
    completed: number
    inProgress: number
    rate: number | null
  }
}

export interface MatchOverview {
  overview: {
    counts: { segments: number; narrations: number; tags: number; identityTags: number }
    momentum: { minute: number; narrations: number }[]
    topThemes: { type: string; key: string; count: number }[]
    tactical: {
      setPieceShare: number | null
      transitionShare: number | null
      topActions: { key: string; count: number }[]
    }
    playerImpact: { userId: string; segments: number; narrations: number }[]
    trend: { previousMatches: number; avgNarrations: number | null; avgSegments: number | null }
  }
  coverage: { narrationCount: number; largestGapMinutes: number }
}

export const overviewApi = {
  dashboard: (orgId: string) =>
    api<OrgDashboard>('GET', withQuery('overview/dashboard', { orgId })),
  coverage: (orgId: string) => getItems<MatchCoverage>('overview/coverage', { orgId }),
  match: (assetId: string, previous: number) =>
    api<MatchOverview>('GET', withQuery(`overview/match/${assetId}`, { previous })),
}
