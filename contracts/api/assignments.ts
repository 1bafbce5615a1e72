// Response and request shapes of the `assignments` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.

export interface Assignment {
  id: string
  title: string
  description: string | null
  dueAt: string | null
  recipients: number
  completed: number
  segmentCount: number
  status: string
}

export interface AssignmentClip {
  id: string
  media_asset_id: string
  start_seconds: number
  end_seconds: number
  title: string | null
}

export interface AssignmentDetail {
  assignment: Assignment
  assignees: { userId: string; username: string | null; state: string; completedSegments: number }[]
  segments: AssignmentClip[]
}

export type AssignmentTarget =
  { type: 'team' } | { type: 'player'; userId: string } | { type: 'group'; groupId: string }
