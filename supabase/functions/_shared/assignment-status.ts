// Assignment status rules (ASG-1), pure so the list, the inbox and tests agree.
export type AssignmentStatus = 'completed' | 'overdue' | 'due_soon' | 'upcoming'
export type AssigneeState = 'completed' | 'in_progress' | 'not_started'

export const DUE_SOON_HOURS = 48

export function assignmentStatus(
  dueAt: Date | null,
  completedAt: Date | null,
  now = new Date(),
): AssignmentStatus {
  if (completedAt) return 'completed'
  if (!dueAt) return 'upcoming'
  if (dueAt.getTime() < now.getTime()) return 'overdue'
  return dueAt.getTime() - now.getTime() <= DUE_SOON_HOURS * 3600_000 ? 'due_soon' : 'upcoming'
}

export function assigneeState(p: {
  completed_at: Date | null
  started_at: Date | null
  completed_segment_ids: string[]
}): AssigneeState {
  if (p.completed_at) return 'completed'
  return p.started_at || p.completed_segment_ids.length > 0 ? 'in_progress' : 'not_started'
}
