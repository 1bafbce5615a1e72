// `segments`: clips of a match (SEG-1), from a narration recording (SEG-2), the timing editor's
// updates and bulk delete (SEG-3).
import { z } from 'zod'
import { asUser, readAsUser } from '../_shared/db.ts'
import { HttpError, json, noContent, parseBody, parseQuery, uuidParam } from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import {
  chooseAttachment,
  clampRange,
  extendForRecording,
  nearDuplicate,
  recordingWindow,
  sourceForRole,
} from './rules.ts'
import {
  candidatesFor,
  deleteSegments,
  insertSegment,
  mediaFor,
  orgsOfSegments,
  segmentById,
  segmentsOf,
  setEnd,
  toSegment,
  updateSegment,
} from './store.ts'

const Seconds = z.number({ message: 'must be a number of seconds' }).min(0).max(86_400)
const Title = z.string().trim().max(200, 'at most 200 characters').nullable().optional()

const ListQuery = z.object({
  mediaAssetId: z.uuid({ message: 'must be a UUID' }),
  empty: z.enum(['true', 'false']).optional(),
})
const CreateSegment = z
  .object({ mediaAssetId: z.uuid(), startSeconds: Seconds, endSeconds: Seconds, title: Title })
  .strict()
  .refine((v) => v.endSeconds > v.startSeconds, {
    message: 'must be after startSeconds',
    path: ['endSeconds'],
  })
const UpdateSegment = z
  .object({ startSeconds: Seconds.optional(), endSeconds: Seconds.optional(), title: Title })
  .strict()
const FromRecording = z
  .object({
    mediaAssetId: z.uuid(),
    recordingStartSeconds: Seconds,
    recordingEndSeconds: Seconds,
    segmentId: z.uuid().optional(),
  })
  .strict()
  .refine((v) => v.recordingEndSeconds >= v.recordingStartSeconds, {
    message: 'must not be before recordingStartSeconds',
    path: ['recordingEndSeconds'],
  })
const BulkDelete = z.object({ ids: z.array(z.uuid()).min(1).max(500) }).strict()

export const segmentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ url, user }) => {
      const q = parseQuery(url, ListQuery)
      const rows = await readAsUser(user, async (tx) => {
        const media = await mediaFor(tx, q.mediaAssetId)
        await requireOrgRole(tx, media.orgId, 'member')
        return await segmentsOf(tx, q.mediaAssetId, q.empty === 'true')
      })
      return json({ items: rows.map(toSegment) })
    },
  },
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user, logOrg }) => {
      const input = await parseBody(req, CreateSegment)
      const result = await asUser(user, async (tx) => {
        const media = await mediaFor(tx, input.mediaAssetId)
        logOrg(media.orgId)
        const standing = await requireOrgRole(tx, media.orgId, 'member')
        const range = clampRange(input.startSeconds, input.endSeconds, media.duration)
        if (!range)
          throw new HttpError(
            400,
            'SEGMENT_TOO_SHORT',
            'A segment needs at least 6 seconds of video.',
          )
        const source = sourceForRole(standing.role)
        const duplicate = nearDuplicate(
          range,
          source,
          await candidatesFor(tx, input.mediaAssetId, range.start, range.end),
        )
        const row = await insertSegment(tx, {
          orgId: media.orgId,
          mediaAssetId: input.mediaAssetId,
          ...range,
          source,
          title: input.title,
          userId: user.id,
        })
        return {
          segment: toSegment(row),
          warning: duplicate ? { code: 'NEAR_DUPLICATE', segmentId: duplicate.id } : null,
        }
      })
      return json(result, 201)
    },
  },
  {
    method: 'POST',
    pattern: '/from-recording',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, FromRecording)
      const result = await asUser(user, async (tx) => {
        const media = await mediaFor(tx, input.mediaAssetId)
        const standing = await requireOrgRole(tx, media.orgId, 'member')
        const source = sourceForRole(standing.role)
        if (input.segmentId) {
          const existing = await segmentById(tx, input.segmentId)
          if (existing.media_asset_id !== input.mediaAssetId)
            throw new HttpError(400, 'SEGMENT_MISMATCH', 'That segment belongs to another video.')
          const range = extendForRecording(
            { start: Number(existing.start_seconds), end: Number(existing.end_seconds) },
            input.recordingEndSeconds,
            media.duration,
          )
          if (range.end !== Number(existing.end_seconds) && standing.role !== 'member') {
            await setEnd(tx, existing.id, range.end)
          }
          return {
            segment: toSegment(await segmentById(tx, existing.id)),
            attached: true,
            warning: null,
          }
        }
        const window = recordingWindow(
          input.recordingStartSeconds,
          input.recordingEndSeconds,
          media.duration,
        )
        if (!window)
          throw new HttpError(
            400,
            'SEGMENT_TOO_SHORT',
            'The video is too short for a segment here.',
          )
        const candidates = await candidatesFor(tx, input.mediaAssetId, window.start, window.end)
        const target = chooseAttachment(window, candidates)
        if (target) {
          return {
            segment: toSegment(await segmentById(tx, target.id)),
            attached: true,
            warning: null,
          }
        }
        const duplicate = nearDuplicate(window, source, candidates)
        const row = await insertSegment(tx, {
          orgId: media.orgId,
          mediaAssetId: input.mediaAssetId,
          ...window,
          source,
          userId: user.id,
        })
        return {
          segment: toSegment(row),
          attached: false,
          warning: duplicate ? { code: 'NEAR_DUPLICATE', segmentId: duplicate.id } : null,
        }
      })
      return json(result)
    },
  },
  {
    method: 'POST',
    pattern: '/bulk-delete',
    handler: async ({ req, user }) => {
      const { ids } = await parseBody(req, BulkDelete)
      const deleted = await asUser(user, async (tx) => {
        for (const orgId of await orgsOfSegments(tx, ids)) await requireOrgRole(tx, orgId, 'staff')
        return await deleteSegments(tx, ids)
      })
      return json({ deleted })
    },
  },
  {
    method: 'GET',
    pattern: '/:segmentId',
    handler: async ({ params, user }) => {
      const row = await readAsUser(user, (tx) => segmentById(tx, uuidParam(params.segmentId)))
      return json({ segment: toSegment(row) })
    },
  },
  {
    method: 'PATCH',
    pattern: '/:segmentId',
    handler: async ({ req, params, user }) => {
      const patch = await parseBody(req, UpdateSegment)
      const row = await asUser(user, async (tx) => {
        const existing = await segmentById(tx, uuidParam(params.segmentId))
        await requireOrgRole(tx, existing.org_id, 'staff')
        const media = await mediaFor(tx, existing.media_asset_id)
        const range = clampRange(
          patch.startSeconds ?? Number(existing.start_seconds),
          patch.endSeconds ?? Number(existing.end_seconds),
          media.duration,
        )
        if (
          !range ||
          (patch.endSeconds ?? Number(existing.end_seconds)) <=
            (patch.startSeconds ?? Number(existing.start_seconds))
        ) {
          throw new HttpError(
            400,
            'INVALID_RANGE',
            'The end must come after the start, at least 6 s later.',
          )
        }
        return await updateSegment(tx, existing.id, { ...range, title: patch.title })
      })
      return json({ segment: toSegment(row) })
    },
  },
  {
    method: 'DELETE',
    pattern: '/:segmentId',
    handler: async ({ params, user }) => {
      await asUser(user, async (tx) => {
        const existing = await segmentById(tx, uuidParam(params.segmentId))
        await requireOrgRole(tx, existing.org_id, 'staff')
        await deleteSegments(tx, [existing.id])
      })
      return noContent()
    },
  },
]
