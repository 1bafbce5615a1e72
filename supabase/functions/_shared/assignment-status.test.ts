import assert from 'node:assert/strict'
import { assigneeState, assignmentStatus } from './assignment-status.ts'

const now = new Date('2026-03-01T12:00:00Z')
const hours = (h: number) => new Date(now.getTime() + h * 3600_000)

Deno.test('ASG-1: overdue, due soon (48 h), upcoming, completed', () => {
  assert.equal(assignmentStatus(hours(-1), null, now), 'overdue')
  assert.equal(assignmentStatus(hours(47), null, now), 'due_soon')
  assert.equal(assignmentStatus(hours(49), null, now), 'upcoming')
  assert.equal(assignmentStatus(null, null, now), 'upcoming')
  assert.equal(assignmentStatus(hours(-5), hours(-6), now), 'completed')
})

Deno.test('ASG-1: per-assignee state', () => {
  assert.equal(
    assigneeState({ completed_at: now, started_at: now, completed_segment_ids: [] }),
    'completed',
  )
  assert.equal(
    assigneeState({ completed_at: null, started_at: now, completed_segment_ids: [] }),
    'in_progress',
  )
  assert.equal(
    assigneeState({ completed_at: null, started_at: null, completed_segment_ids: ['a'] }),
    'in_progress',
  )
  assert.equal(
    assigneeState({ completed_at: null, started_at: null, completed_segment_ids: [] }),
    'not_started',
  )
})
