// Assignment reads and writes as the caller (RLS: the org's staff write; staff and recipients read).
import type { AssignmentTargetType } from '../../../contracts/enums.ts'
import type { Tx } from '../_shared/db.ts'
import { assignmentStatus } from '../_shared/assignment-status.ts'
import { orgLookup } from '../_shared/sql.ts'

export interface AssignmentRow {
  id: string
  org_id: string
  title: string
  description: string | null
  due_at: Date | null
  created_by: string | null
  created_at: Date
  recipients: number
  completed: number
  segment_count: number
}

const ASSIGNMENT_SELECT = `select a.id, a.org_id, a.title, a.description, a.due_at, a.created_by, a.created_at,
  (select count(*)::int from public.assignment_progress p where p.assignment_id = a.id) as recipients,
  (select count(*)::int from public.assignment_progress p where p.assignment_id = a.id and p.completed_at is not null) as completed,
  (select count(*)::int from public.assignment_segments s where s.assignment_id = a.id) as segment_count
  from public.assignments a`

export function toAssignment(r: AssignmentRow, now = new Date()) {
  const allDone = r.recipients > 0 && r.completed === r.recipients
  return {
    id: r.id,
    orgId: r.org_id,
    title: r.title,
    description: r.description,
    dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    recipients: r.recipients,
    completed: r.completed,
    segmentCount: r.segment_count,
    status: assignmentStatus(
      r.due_at ? new Date(r.due_at) : null,
      allDone ? new Date() : null,
      now,
    ),
  }
}

export const assignmentOrg = orgLookup('assignments', 'Assignment not found.')

/** How many of `ids` are segments of the org (duplicates counted once). */
export async function countOrgSegments(tx: Tx, orgId: string, ids: string[]) {
  const segs =
    await tx`select id from public.segments where org_id = ${orgId} and id = any(${ids}::uuid[])`
  return segs.length
}

export type Target =
  { type: 'team' } | { type: 'player'; userId: string } | { type: 'group'; groupId: string }

export interface NewAssignment {
  orgId: string
  title: string
  description?: string
  dueAt?: string
  targets: Target[]
  segmentIds: string[]
  createdBy: string
}

/** Inserts the assignment, its targets and clips, and the recipients' progress rows. */
export async function insertAssignment(tx: Tx, input: NewAssignment): Promise<AssignmentRow> {
  const [created] = await tx<{ id: string }[]>`
    insert into public.assignments (org_id, title, description, due_at, created_by)
    values (${input.orgId}, ${input.title}, ${input.description ?? null}, ${input.dueAt ?? null}, ${input.createdBy})
    returning id`
  const id = created!.id
  for (const t of input.targets) {
    const type: AssignmentTargetType = t.type
    await tx`insert into public.assignment_targets (assignment_id, org_id, target_type, user_id, group_id)
             values (${id}, ${input.orgId}, ${type}::public.assignment_target_type,
                     ${t.type === 'player' ? t.userId : null}, ${t.type === 'group' ? t.groupId : null})`
  }
  for (const [position, segmentId] of [...new Set(input.segmentIds)].entries()) {
    await tx`insert into public.assignment_segments (assignment_id, segment_id, org_id, position)
             values (${id}, ${segmentId}, ${input.orgId}, ${position})`
  }
  await tx`select private.init_assignment_progress(${id})`
  return (await assignmentById(tx, id))!
}

export async function assignmentById(tx: Tx, id: string): Promise<AssignmentRow | undefined> {
  const [row] = await tx.unsafe<AssignmentRow[]>(`${ASSIGNMENT_SELECT} where a.id = $1`, [id])
  return row
}

export function orgAssignments(tx: Tx, orgId: string) {
  return tx.unsafe<AssignmentRow[]>(
    `${ASSIGNMENT_SELECT} where a.org_id = $1 order by a.due_at nulls last, a.created_at desc limit 200`,
    [orgId],
  )
}

export function assignmentSegments(tx: Tx, id: string) {
  return tx`
    select s.id, s.media_asset_id, s.start_seconds::float8 as start_seconds,
           s.end_seconds::float8 as end_seconds, s.title, x.position
    from public.assignment_segments x join public.segments s on s.id = x.segment_id
    where x.assignment_id = ${id} order by x.position`
}

export function assignmentProgress(tx: Tx, id: string) {
  return tx<
    {
      user_id: string
      username: string | null
      started_at: Date | null
      completed_at: Date | null
      completed_segment_ids: string[]
    }[]
  >`select p.user_id, pr.username, p.started_at, p.completed_at, p.completed_segment_ids
    from public.assignment_progress p left join public.profiles pr on pr.id = p.user_id
    where p.assignment_id = ${id} order by pr.username`
}

export function assignmentTargets(tx: Tx, id: string) {
  return tx`select target_type::text as type, user_id, group_id
            from public.assignment_targets where assignment_id = ${id}`
}

export async function deleteAssignment(tx: Tx, id: string) {
  await tx`delete from public.assignments where id = ${id}`
}
