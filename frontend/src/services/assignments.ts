import { api } from './api'
import { getItems } from './request'

// ASG-1: the `assignments` function.

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

export const assignmentsApi = {
  list: (orgId: string) => getItems<Assignment>('assignments', { orgId }),
  get: (assignmentId: string) => api<AssignmentDetail>('GET', `assignments/${assignmentId}`),
  create: (body: {
    orgId: string
    title: string
    description?: string
    dueAt?: string
    targets: AssignmentTarget[]
    segmentIds: string[]
  }) => api('POST', 'assignments', body),
  remove: (assignmentId: string) => api('DELETE', `assignments/${assignmentId}`),
}
