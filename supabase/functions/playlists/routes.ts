// `playlists` (PL-1): ordered segment collections with free tags, and their feed.
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

const OrgQuery = z.object({
  orgId: z.uuid({ message: 'must be a UUID' }),
  tag: z.string().max(40).optional(),
})
const Name = z.string().trim().min(1, 'required').max(120, 'at most 120 characters')
const Tags = z.array(z.string().trim().min(1).max(40)).max(20)
const CreatePlaylist = z
  .object({
    orgId: z.uuid(),
    name: Name,
    description: z.string().trim().max(2000).optional(),
    tags: Tags.optional(),
  })
  .strict()
const UpdatePlaylist = z
  .object({
    name: Name.optional(),
    description: z.string().trim().max(2000).nullable().optional(),
    tags: Tags.optional(),
  })
  .strict()
const AddSegment = z.object({ segmentId: z.uuid() }).strict()
const Reorder = z.object({ segmentIds: z.array(z.uuid()).max(1000) }).strict()

async function playlistOrg(tx: Tx, id: string): Promise<string> {
  const [row] = await tx<{ org_id: string }[]>`select org_id from public.playlists where id = ${id}`
  if (!row) throw notFound('Playlist not found.')
  return row.org_id
}

const PLAYLIST_SELECT = `select pl.id, pl.org_id, pl.name, pl.description, pl.created_by, pl.created_at, pl.updated_at,
  coalesce((select array_agg(t.tag order by t.tag) from public.playlist_tags t where t.playlist_id = pl.id), '{}') as tags,
  (select count(*)::int from public.playlist_segments s where s.playlist_id = pl.id) as segment_count
  from public.playlists pl`

async function setTags(tx: Tx, id: string, orgId: string, tags: string[]) {
  await tx`delete from public.playlist_tags where playlist_id = ${id}`
  for (const tag of new Set(tags)) {
    await tx`insert into public.playlist_tags (playlist_id, org_id, tag) values (${id}, ${orgId}, ${tag})`
  }
}

export const playlistRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ url, user }) => {
      const q = parseQuery(url, OrgQuery)
      const items = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, q.orgId, 'member')
        return await tx.unsafe(
          `${PLAYLIST_SELECT} where pl.org_id = $1 and ($2::text is null or exists
             (select 1 from public.playlist_tags t where t.playlist_id = pl.id and t.tag = $2))
           order by pl.updated_at desc`,
          [q.orgId, q.tag ?? null],
        )
      })
      return json({ items })
    },
  },
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, CreatePlaylist)
      const playlist = await asUser(user, async (tx) => {
        await requireOrgRole(tx, input.orgId, 'staff')
        const [created] = await tx<{ id: string }[]>`
          insert into public.playlists (org_id, name, description, created_by)
          values (${input.orgId}, ${input.name}, ${input.description ?? null}, ${user.id}) returning id`
        await setTags(tx, created!.id, input.orgId, input.tags ?? [])
        return (await tx.unsafe(`${PLAYLIST_SELECT} where pl.id = $1`, [created!.id]))[0]
      })
      return json({ playlist }, 201)
    },
  },
  {
    method: 'GET',
    pattern: '/:playlistId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.playlistId)
      const result = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, await playlistOrg(tx, id), 'member')
        const [playlist] = await tx.unsafe(`${PLAYLIST_SELECT} where pl.id = $1`, [id])
        // The playlist feed: segments in order with what the viewer needs to play them.
        const segments = await tx`
          select s.id, s.media_asset_id, s.start_seconds::float8 as start_seconds,
                 s.end_seconds::float8 as end_seconds, s.title, ps.position, a.name as media_name
          from public.playlist_segments ps
          join public.segments s on s.id = ps.segment_id
          join public.media_assets a on a.id = s.media_asset_id
          where ps.playlist_id = ${id} order by ps.position, s.start_seconds`
        return { playlist, segments }
      })
      return json(result)
    },
  },
  {
    method: 'PATCH',
    pattern: '/:playlistId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.playlistId)
      const patch = await parseBody(req, UpdatePlaylist)
      const playlist = await asUser(user, async (tx) => {
        const orgId = await playlistOrg(tx, id)
        await requireOrgRole(tx, orgId, 'staff')
        await tx`update public.playlists set name = coalesce(${patch.name ?? null}, name),
                   description = case when ${patch.description !== undefined} then ${patch.description ?? null} else description end
                 where id = ${id}`
        if (patch.tags) await setTags(tx, id, orgId, patch.tags)
        return (await tx.unsafe(`${PLAYLIST_SELECT} where pl.id = $1`, [id]))[0]
      })
      return json({ playlist })
    },
  },
  {
    method: 'DELETE',
    pattern: '/:playlistId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.playlistId)
      await asUser(user, async (tx) => {
        await requireOrgRole(tx, await playlistOrg(tx, id), 'staff')
        await tx`delete from public.playlists where id = ${id}`
      })
      return noContent()
    },
  },
  {
    method: 'POST',
    pattern: '/:playlistId/segments',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.playlistId)
      const { segmentId } = await parseBody(req, AddSegment)
      await asUser(user, async (tx) => {
        const orgId = await playlistOrg(tx, id)
        await requireOrgRole(tx, orgId, 'staff')
        const [seg] =
          await tx`select 1 from public.segments where id = ${segmentId} and org_id = ${orgId}`
        if (!seg) throw new HttpError(404, 'NOT_FOUND', 'Segment not found.')
        await tx`insert into public.playlist_segments (playlist_id, segment_id, org_id, position)
                 values (${id}, ${segmentId}, ${orgId},
                         (select coalesce(max(position), -1) + 1 from public.playlist_segments where playlist_id = ${id}))
                 on conflict do nothing`
        await tx`update public.playlists set updated_at = now() where id = ${id}`
      })
      return json({ playlistId: id, segmentId }, 201)
    },
  },
  {
    method: 'DELETE',
    pattern: '/:playlistId/segments/:segmentId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.playlistId)
      const segmentId = uuidParam(params.segmentId)
      await asUser(user, async (tx) => {
        await requireOrgRole(tx, await playlistOrg(tx, id), 'staff')
        await tx`delete from public.playlist_segments where playlist_id = ${id} and segment_id = ${segmentId}`
      })
      return noContent()
    },
  },
  {
    method: 'PUT',
    pattern: '/:playlistId/order',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.playlistId)
      const { segmentIds } = await parseBody(req, Reorder)
      await asUser(user, async (tx) => {
        await requireOrgRole(tx, await playlistOrg(tx, id), 'staff')
        const current = await tx<{ segment_id: string }[]>`
          select segment_id from public.playlist_segments where playlist_id = ${id}`
        const have = new Set(current.map((r) => r.segment_id))
        if (segmentIds.length !== have.size || !segmentIds.every((s) => have.has(s))) {
          throw new HttpError(
            400,
            'ORDER_MISMATCH',
            'Send every segment of the playlist exactly once.',
          )
        }
        for (const [position, segmentId] of segmentIds.entries()) {
          await tx`update public.playlist_segments set position = ${position}
                   where playlist_id = ${id} and segment_id = ${segmentId}`
        }
      })
      return noContent()
    },
  },
]
