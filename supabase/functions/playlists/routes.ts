// `playlists` (PL-1): ordered segment collections with free tags, and their feed.
import { z } from 'zod'
import { asUser, readAsUser } from '../_shared/db.ts'
import { HttpError, json, noContent, parseBody, parseQuery, uuidParam } from '../_shared/http.ts'
import { withOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import * as store from './store.ts'
import { playlistOrg } from './store.ts'

const ListQuery = z.object({
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

export const playlistRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ url, user }) => {
      const q = parseQuery(url, ListQuery)
      const items = await withOrgRole(readAsUser, user, q.orgId, 'member', (tx) =>
        store.orgPlaylists(tx, q.orgId, q.tag),
      )
      return json({ items })
    },
  },
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, CreatePlaylist)
      const playlist = await withOrgRole(asUser, user, input.orgId, 'staff', (tx) =>
        store.insertPlaylist(tx, { ...input, createdBy: user.id }),
      )
      return json({ playlist }, 201)
    },
  },
  {
    method: 'GET',
    pattern: '/:playlistId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.playlistId)
      const result = await withOrgRole(readAsUser, user, playlistOrg(id), 'member', async (tx) => ({
        playlist: await store.playlistById(tx, id),
        segments: await store.playlistSegments(tx, id),
      }))
      return json(result)
    },
  },
  {
    method: 'PATCH',
    pattern: '/:playlistId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.playlistId)
      const patch = await parseBody(req, UpdatePlaylist)
      const playlist = await withOrgRole(asUser, user, playlistOrg(id), 'staff', (tx, orgId) =>
        store.updatePlaylist(tx, id, orgId, patch),
      )
      return json({ playlist })
    },
  },
  {
    method: 'DELETE',
    pattern: '/:playlistId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.playlistId)
      await withOrgRole(asUser, user, playlistOrg(id), 'staff', (tx) =>
        store.deletePlaylist(tx, id),
      )
      return noContent()
    },
  },
  {
    method: 'POST',
    pattern: '/:playlistId/segments',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.playlistId)
      const { segmentId } = await parseBody(req, AddSegment)
      await withOrgRole(asUser, user, playlistOrg(id), 'staff', async (tx, orgId) => {
        if (!(await store.segmentInOrg(tx, segmentId, orgId)))
          throw new HttpError(404, 'NOT_FOUND', 'Segment not found.')
        await store.appendSegment(tx, id, orgId, segmentId)
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
      await withOrgRole(asUser, user, playlistOrg(id), 'staff', (tx) =>
        store.removeSegment(tx, id, segmentId),
      )
      return noContent()
    },
  },
  {
    method: 'PUT',
    pattern: '/:playlistId/order',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.playlistId)
      const { segmentIds } = await parseBody(req, Reorder)
      await withOrgRole(asUser, user, playlistOrg(id), 'staff', async (tx) => {
        const have = new Set(await store.playlistSegmentIds(tx, id))
        if (segmentIds.length !== have.size || !segmentIds.every((s) => have.has(s))) {
          throw new HttpError(
            400,
            'ORDER_MISMATCH',
            'Send every segment of the playlist exactly once.',
          )
        }
        await store.setSegmentOrder(tx, id, segmentIds)
      })
      return noContent()
    },
  },
]
