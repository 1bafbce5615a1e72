import { api } from './api'
import { getItems } from './request'
import type {
  Assignment,
  AssignmentDetail,
  AssignmentTarget,
} from '../../../contracts/api/assignments.ts'

export type * from '../../../contracts/api/assignments.ts'

// ASG-1: the `assignments` function.

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
