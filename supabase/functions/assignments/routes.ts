// `assignments` (ASG-1): staff assign segments to the team, players or groups; recipients get
// progress rows (team = members, creator excluded) and completion is tracked per assignee.
import { z } from 'zod'
import { asUser, readAsUser } from '../_shared/db.ts'
import { HttpError, json, noContent, notFound, parseBody, uuidParam } from '../_shared/http.ts'
import { orgList, withOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import { assigneeState } from '../_shared/assignment-status.ts'
import {
  assignmentById,
  assignmentOrg,
  assignmentProgress,
  assignmentSegments,
  assignmentTargets,
  countOrgSegments,
  deleteAssignment,
  insertAssignment,
  orgAssignments,
  toAssignment,
} from './store.ts'

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

export const assignmentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user, logOrg }) => {
      const input = await parseBody(req, CreateAssignment)
      logOrg(input.orgId)
      const assignment = await withOrgRole(asUser, user, input.orgId, 'staff', async (tx) => {
        const found = await countOrgSegments(tx, input.orgId, input.segmentIds)
        if (found !== new Set(input.segmentIds).size) {
          throw new HttpError(
            400,
            'UNKNOWN_SEGMENT',
            'Some clips do not exist in this organization.',
          )
        }
        return toAssignment(await insertAssignment(tx, { ...input, createdBy: user.id }))
      })
      return json({ assignment }, 201)
    },
  },
  {
    method: 'GET',
    pattern: '/',
    handler: orgList('staff', async (tx, orgId) =>
      (await orgAssignments(tx, orgId)).map((r) => toAssignment(r)),
    ),
  },
  {
    method: 'GET',
    pattern: '/:assignmentId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.assignmentId)
      const result = await readAsUser(user, async (tx) => {
        // RLS shows an assignment to the org's staff and to its recipients only.
        const row = await assignmentById(tx, id)
        if (!row) throw notFound('Assignment not found.')
        const segments = await assignmentSegments(tx, id)
        const progress = await assignmentProgress(tx, id)
        const targets = await assignmentTargets(tx, id)
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
      await withOrgRole(asUser, user, assignmentOrg(id), 'staff', (tx) => deleteAssignment(tx, id))
      return noContent()
    },
  },
]
