// `feed` (FEED-1, FEED-2): the player's inbox of assignments, "moments" (segments that name
// them), watch progress (≥ 50 % completes a segment) and viewing sessions.
import { z } from 'zod'
import { asUser, readAsUser } from '../_shared/db.ts'
import { json, notFound, OrgQuery, parseBody, parseQuery, uuidParam } from '../_shared/http.ts'
import { orgList, withOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import * as store from './store.ts'
import { assignmentStatus } from '../_shared/assignment-status.ts'

const Watch = z
  .object({ assignmentId: z.uuid(), segmentId: z.uuid(), fraction: z.number().min(0).max(1) })
  .strict()
const StartSession = z
  .object({
    mediaAssetId: z.uuid(),
    segmentId: z.uuid().optional(),
    assignmentId: z.uuid().optional(),
  })
  .strict()
const UpdateSession = z
  .object({ watchedSeconds: z.number().min(0).max(86_400), ended: z.boolean().optional() })
  .strict()

export const feedRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/inbox',
    handler: async ({ url, user }) => {
      const { orgId } = parseQuery(url, OrgQuery)
      const rows = await withOrgRole(readAsUser, user, orgId, 'member', (tx) =>
        store.inbox(tx, orgId, user.id),
      )
      return json({
        items: rows.map((r) => ({
          assignmentId: r.id,
          title: r.title,
          description: r.description,
          dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
          status: assignmentStatus(
            r.due_at ? new Date(r.due_at) : null,
            r.completed_at ? new Date(r.completed_at) : null,
          ),
          // "to you", "team", "your groups" (FEED-1)
          via: r.via.map((v) => (v === 'player' ? 'you' : v === 'group' ? 'your_groups' : 'team')),
          completedSegments: r.done,
          totalSegments: r.total,
        })),
      })
    },
  },
  {
    method: 'GET',
    pattern: '/moments',
    handler: orgList('member', (tx, orgId, user) => store.moments(tx, orgId, user.id)),
  },
  {
    method: 'POST',
    pattern: '/watch',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, Watch)
      const progress = await asUser(user, (tx) =>
        store.recordWatch(tx, input.assignmentId, input.segmentId, input.fraction),
      )
      return json({
        completedSegmentIds: progress.completed_segment_ids,
        completed: progress.completed_at !== null,
      })
    },
  },
  {
    method: 'POST',
    pattern: '/sessions',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, StartSession)
      const session = await asUser(user, (tx) =>
        store.startSession(tx, { ...input, userId: user.id }),
      )
      return json({ session }, 201)
    },
  },
  {
    method: 'PATCH',
    pattern: '/sessions/:sessionId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.sessionId)
      const input = await parseBody(req, UpdateSession)
      const row = await asUser(user, (tx) => store.updateSession(tx, id, user.id, input))
      if (!row) throw notFound('Session not found.')
      return json({ session: row })
    },
  },
]
