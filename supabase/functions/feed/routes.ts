// `feed` (FEED-1, FEED-2): the player's inbox of assignments, "moments" (segments that name
// them), watch progress (≥ 50 % completes a segment) and viewing sessions.
import { z } from 'zod'
import { asUser, readAsUser } from '../_shared/db.ts'
import { json, notFound, parseBody, parseQuery, uuidParam } from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import { assignmentStatus } from '../_shared/assignment-status.ts'

const OrgQuery = z.object({ orgId: z.uuid({ message: 'must be a UUID' }) })
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
      const rows = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, orgId, 'member')
        return await tx<
          {
            id: string
            title: string
            description: string | null
            due_at: Date | null
            completed_at: Date | null
            started_at: Date | null
            done: number
            total: number
            via: string[]
          }[]
        >`
          select a.id, a.title, a.description, a.due_at, p.completed_at, p.started_at,
                 cardinality(p.completed_segment_ids) as done,
                 (select count(*)::int from public.assignment_segments s where s.assignment_id = a.id) as total,
                 coalesce((select array_agg(distinct t.target_type::text) from public.assignment_targets t
                           where t.assignment_id = a.id and (t.target_type = 'team'
                             or t.user_id = ${user.id}
                             or t.group_id in (select gm.group_id from public.group_members gm where gm.user_id = ${user.id}))),
                          '{}') as via
          from public.assignment_progress p
          join public.assignments a on a.id = p.assignment_id
          where p.user_id = ${user.id} and a.org_id = ${orgId}
          order by (p.completed_at is not null), a.due_at nulls last, a.created_at desc`
      })
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
    handler: async ({ url, user }) => {
      const { orgId } = parseQuery(url, OrgQuery)
      const items = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, orgId, 'member')
        return await tx`
          select s.id as segment_id, s.media_asset_id, a.name as media_name,
                 s.start_seconds::float8 as start_seconds, s.end_seconds::float8 as end_seconds,
                 s.title, t.source as tagged_by
          from public.segment_tags t
          join public.segments s on s.id = t.segment_id
          join public.media_assets a on a.id = s.media_asset_id
          where t.org_id = ${orgId} and t.tagged_user_id = ${user.id}
          order by a.created_at desc, s.start_seconds
          limit 200`
      })
      return json({ items })
    },
  },
  {
    method: 'POST',
    pattern: '/watch',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, Watch)
      const progress = await asUser(user, async (tx) => {
        const [row] = await tx<
          { completed_segment_ids: string[]; completed_at: Date | null; started_at: Date | null }[]
        >`select completed_segment_ids, completed_at, started_at
          from private.record_segment_watch(${input.assignmentId}, ${input.segmentId}, ${input.fraction})`
        return row!
      })
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
      const session = await asUser(user, async (tx) => {
        const [media] = await tx<{ org_id: string }[]>`
          select org_id from public.media_assets where id = ${input.mediaAssetId}`
        if (!media) throw notFound('Video not found.')
        const [row] = await tx`
          insert into public.viewing_sessions (org_id, user_id, media_asset_id, segment_id, assignment_id)
          values (${media.org_id}, ${user.id}, ${input.mediaAssetId}, ${input.segmentId ?? null},
                  ${input.assignmentId ?? null})
          returning id, started_at`
        return row
      })
      return json({ session }, 201)
    },
  },
  {
    method: 'PATCH',
    pattern: '/sessions/:sessionId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.sessionId)
      const input = await parseBody(req, UpdateSession)
      const [row] = await asUser(
        user,
        (
          tx,
        ) => tx`update public.viewing_sessions set watched_seconds = greatest(watched_seconds, ${input.watchedSeconds}),
                      ended_at = case when ${input.ended ?? false} then now() else ended_at end
                    where id = ${id} and user_id = ${user.id}
                    returning id, watched_seconds, ended_at`,
      )
      if (!row) throw notFound('Session not found.')
      return json({ session: row })
    },
  },
]
