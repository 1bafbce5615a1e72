// Response and request shapes of the `overview` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.

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
