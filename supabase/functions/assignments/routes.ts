// `assignments` (ASG-1): staff assign segments to the team, players or groups; recipients get
// progress rows (team = members, creator excluded) and completion is tracked per assignee.
import { z } from 'zod'
import { asUser, readAsUser, type Tx } from '../_shared/db.ts'
import {
  HttpError,
  json,
  noContent,
  notFound,
  parseBody,
  parseQuery,
  uuidParam,
} from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import { assigneeState, assignmentStatus } from '../_shared/assignment-status.ts'

const Target = z.discriminatedUnion('type', [
  z.object({ type: z.literal('team') }).strict(),
  z.object({ type: z.literal('player'), userId: z.uuid() }).strict(),
  z.object({ type: z.literal('group'), groupId: z.uuid() }).strict(),
])
const CreateAssignment = z
  .object({
    orgId: z.uuid(),
    title: z.string().trim().min(1, 'required').max(200),
    description: z.string().trim().max(4000).optional(),
    dueAt: z.iso.datetime({ offset: true }).optional(),
    targets: z.array(Target).min(1, 'choose who it is for').max(100),
    segmentIds: z.array(z.uuid()).min(1, 'choose at least one clip').max(200),
  })
  .strict()
const OrgQuery = z.object({ orgId: z.uuid({ message: 'must be a UUID' }) })

interface AssignmentRow {
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

async function assignmentOrg(tx: Tx, id: string): Promise<string> {
  const [row] = await tx<
    { org_id: string }[]
  >`select org_id from public.assignments where id = ${id}`
  if (!row) throw notFound('Assignment not found.')
  return row.org_id
}

export const assignmentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user, logOrg }) => {
      const input = await parseBody(req, CreateAssignment)
      logOrg(input.orgId)
      const assignment = await asUser(user, async (tx) => {
        await requireOrgRole(tx, input.orgId, 'staff')
        const segs =
          await tx`select id from public.segments where org_id = ${input.orgId} and id = any(${input.segmentIds}::uuid[])`
        if (segs.length !== new Set(input.segmentIds).size) {
          throw new HttpError(
            400,
            'UNKNOWN_SEGMENT',
            'Some clips do not exist in this organization.',
          )
        }
        const [created] = await tx<{ id: string }[]>`
          insert into public.assignments (org_id, title, description, due_at, created_by)
          values (${input.orgId}, ${input.title}, ${input.description ?? null}, ${input.dueAt ?? null}, ${user.id})
          returning id`
        const id = created!.id
        for (const t of input.targets) {
          await tx`insert into public.assignment_targets (assignment_id, org_id, target_type, user_id, group_id)
                   values (${id}, ${input.orgId}, ${t.type}::public.assignment_target_type,
                           ${t.type === 'player' ? t.userId : null}, ${t.type === 'group' ? t.groupId : null})`
        }
        for (const [position, segmentId] of [...new Set(input.segmentIds)].entries()) {
          await tx`insert into public.assignment_segments (assignment_id, segment_id, org_id, position)
                   values (${id}, ${segmentId}, ${input.orgId}, ${position})`
        }
        await tx`select private.init_assignment_progress(${id})`
        const [row] = await tx.unsafe<AssignmentRow[]>(`${ASSIGNMENT_SELECT} where a.id = $1`, [id])
        return toAssignment(row!)
      })
      return json({ assignment }, 201)
    },
  },
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ url, user }) => {
      const { orgId } = parseQuery(url, OrgQuery)
      const items = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, orgId, 'staff')
        const rows = await tx.unsafe<AssignmentRow[]>(
          `${ASSIGNMENT_SELECT} where a.org_id = $1 order by a.due_at nulls last, a.created_at desc limit 200`,
          [orgId],
        )
        return rows.map((r) => toAssignment(r))
      })
      return json({ items })
    },
  },
  {
    method: 'GET',
    pattern: '/:assignmentId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.assignmentId)
      const result = await readAsUser(user, async (tx) => {
        // RLS shows an assignment to the org's staff and to its recipients only.
        const [row] = await tx.unsafe<AssignmentRow[]>(`${ASSIGNMENT_SELECT} where a.id = $1`, [id])
        if (!row) throw notFound('Assignment not found.')
        const segments = await tx`
          select s.id, s.media_asset_id, s.start_seconds::float8 as start_seconds,
                 s.end_seconds::float8 as end_seconds, s.title, x.position
          from public.assignment_segments x join public.segments s on s.id = x.segment_id
          where x.assignment_id = ${id} order by x.position`
        const progress = await tx<
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
        const targets = await tx`select target_type::text as type, user_id, group_id
                                 from public.assignment_targets where assignment_id = ${id}`
        return {
          assignment: toAssignment(row),
          targets,
          segments,
          assignees: progress.map((p) => ({
            userId: p.user_id,
            username: p.username,
            state: assigneeState(p),
            completedSegments: p.completed_segment_ids.length,
          })),
        }
      })
      return json(result)
    },
  },
  {
    method: 'DELETE',
    pattern: '/:assignmentId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.assignmentId)
      await asUser(user, async (tx) => {
        await requireOrgRole(tx, await assignmentOrg(tx, id), 'staff')
        await tx`delete from public.assignments where id = ${id}`
      })
      return noContent()
    },
  },
]
