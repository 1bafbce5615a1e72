// `media`: uploads (MEDIA-1/2), library (MEDIA-3) and playback (MEDIA-4).
import { z } from 'zod'
import { MEDIA_KINDS, MEDIA_STATUSES } from '../../../contracts/enums.ts'
import { json, noContent, parseBody, parseQuery, uuidParam } from '../_shared/http.ts'
import type { Route } from '../_shared/router.ts'
import { getAsset, listMedia } from './library.ts'
import { deleteAsset, mediaChanges, updateAsset } from './manage.ts'
import { exportMatch, requestClipExport, toCsv } from './export.ts'
import { playbackFor, signedPlaylist, signedStoryboard } from './playback.ts'
import { MAX_UPLOAD_BYTES, PART_URL_BATCH } from './upload-plan.ts'
import {
  abortUpload,
  completeUpload,
  createUpload,
  presignMoreParts,
  resumeUpload,
} from './uploads.ts'

const MediaKind = z.enum(MEDIA_KINDS)

const CreateUpload = z
  .object({
    orgId: z.uuid({ message: 'must be a UUID' }),
    fileName: z
      .string()
      .trim()
      .min(1, 'required')
      .max(255, 'at most 255 characters')
      .refine(
        (s) => ![...s].some((c) => c.charCodeAt(0) < 32 || c === '/' || c === '\\'),
        'must not contain slashes or control characters',
      ),
    sizeBytes: z
      .number({ message: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .positive('must be more than 0 bytes')
      .max(MAX_UPLOAD_BYTES, 'files up to 20 GiB are accepted'),
    contentType: z
      .string()
      .trim()
      .max(127)
      .regex(/^$|^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type like video/mp4')
      .transform((s) => s || 'application/octet-stream'),
    name: z.string().trim().min(1, 'required').max(200, 'at most 200 characters').optional(),
    kind: MediaKind.optional(),
  })
  .strict()

const CompleteUpload = z
  .object({
    // ListParts is the truth; the client's list is used only where storage cannot list parts.
    parts: z
      .array(
        z.object({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().max(200) }),
      )
      .max(10_000)
      .optional(),
  })
  .strict()

const MoreParts = z
  .object({
    partNumbers: z
      .array(z.number().int('must be whole part numbers').min(1).max(10_000), {
        message: 'must be a list of part numbers',
      })
      .min(1, 'ask for at least one part')
      .max(PART_URL_BATCH, `at most ${PART_URL_BATCH} parts per request`),
  })
  .strict()

const ListQuery = z.object({
  orgId: z.uuid({ message: 'must be a UUID' }),
  q: z.string().trim().max(200, 'at most 200 characters').optional(),
  kind: MediaKind.optional(),
  status: z.enum(MEDIA_STATUSES).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
})

const UpdateAsset = z
  .object({
    name: z.string().trim().min(1, 'required').max(200, 'at most 200 characters').optional(),
    kind: MediaKind.optional(),
  })
  .strict()

const ChangesQuery = z.object({
  orgId: z.uuid({ message: 'must be a UUID' }),
  since: z.iso.datetime({ offset: true, message: 'must be an ISO timestamp' }).optional(),
  timeout: z.coerce.number().int().min(0).max(25).default(20),
})

export const mediaRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/changes',
    handler: async ({ url, user, req, logOrg }) => {
      const query = parseQuery(url, ChangesQuery)
      logOrg(query.orgId)
      return json(
        await mediaChanges(
          user,
          { orgId: query.orgId, since: query.since, timeoutSeconds: query.timeout },
          req.signal,
        ),
        200,
        { 'cache-control': 'no-store' },
      )
    },
  },
  {
    method: 'POST',
    pattern: '/uploads',
    handler: async ({ req, user, logOrg }) => {
      const input = await parseBody(req, CreateUpload)
      logOrg(input.orgId)
      return json(await createUpload(user, input), 201)
    },
  },
  {
    method: 'GET',
    pattern: '/uploads/:assetId',
    handler: async ({ params, user }) => json(await resumeUpload(user, uuidParam(params.assetId))),
  },
  {
    method: 'POST',
    pattern: '/uploads/:assetId/parts',
    handler: async ({ req, params, user }) => {
      const assetId = uuidParam(params.assetId)
      const body = await parseBody(req, MoreParts)
      return json(await presignMoreParts(user, assetId, body.partNumbers))
    },
  },
  {
    method: 'POST',
    pattern: '/uploads/:assetId/complete',
    handler: async ({ req, params, user, logOrg }) => {
      const assetId = uuidParam(params.assetId)
      const body = await parseBody(req, CompleteUpload)
      const result = await completeUpload(user, assetId, body.parts)
      logOrg(result.asset.orgId)
      return json(result)
    },
  },
  {
    method: 'DELETE',
    pattern: '/uploads/:assetId',
    handler: async ({ params, user }) => {
      await abortUpload(user, uuidParam(params.assetId))
      return noContent()
    },
  },
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ url, user, logOrg }) => {
      const query = parseQuery(url, ListQuery)
      logOrg(query.orgId)
      return json(await listMedia(user, query))
    },
  },
  {
    method: 'GET',
    pattern: '/:assetId',
    handler: async ({ params, user, logOrg }) => {
      const asset = await getAsset(user, uuidParam(params.assetId))
      logOrg(asset.orgId)
      return json({ asset })
    },
  },
  {
    method: 'PATCH',
    pattern: '/:assetId',
    handler: async ({ req, params, user, logOrg }) => {
      const patch = await parseBody(req, UpdateAsset)
      const asset = await updateAsset(user, uuidParam(params.assetId), patch)
      logOrg(asset.orgId)
      return json({ asset })
    },
  },
  {
    method: 'DELETE',
    pattern: '/:assetId',
    handler: async ({ params, user, logOrg }) => {
      const orgId = await deleteAsset(user, uuidParam(params.assetId))
      logOrg(orgId)
      return noContent()
    },
  },
  {
    method: 'GET',
    pattern: '/:assetId/playback',
    handler: async ({ params, user }) => json(await playbackFor(user, uuidParam(params.assetId))),
  },
  {
    method: 'GET',
    pattern: '/:assetId/export',
    handler: async ({ params, url, user, logOrg }) => {
      const data = await exportMatch(user, uuidParam(params.assetId))
      logOrg(data.match.id)
      const safeName = data.match.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'match'
      if (url.searchParams.get('format') === 'csv') {
        return new Response(toCsv(data.segments), {
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${safeName}.csv"`,
          },
        })
      }
      return json(data, 200, { 'content-disposition': `attachment; filename="${safeName}.json"` })
    },
  },
  {
    method: 'POST',
    pattern: '/:assetId/segments/:segmentId/mp4',
    handler: async ({ params, user }) =>
      json(
        await requestClipExport(user, uuidParam(params.assetId), uuidParam(params.segmentId)),
        202,
      ),
  },
  {
    method: 'GET',
    pattern: '/:assetId/hls/*',
    // hls.js, Safari's native <video> and the offline saver fetch playlists by URL, and <track>
    // and the storyboard loader fetch the VTT the same way: none of them can add headers, so the
    // signed playback token in the URL is the credential (bound to one asset, short-lived).
    auth: 'token',
    handler: async ({ params, url }) => {
      const text = await signedPlaylist(
        uuidParam(params.assetId),
        params.rest ?? '',
        url.searchParams.get('token'),
      )
      return new Response(text, {
        headers: {
          'content-type': 'application/vnd.apple.mpegurl',
          // The body embeds short-lived signed URLs: never let shared caches keep it.
          'cache-control': 'private, max-age=30',
        },
      })
    },
  },
  {
    method: 'GET',
    pattern: '/:assetId/storyboard.vtt',
    auth: 'token',
    handler: async ({ params, url }) => {
      const text = await signedStoryboard(uuidParam(params.assetId), url.searchParams.get('token'))
      return new Response(text, {
        headers: {
          'content-type': 'text/vtt; charset=utf-8',
          'cache-control': 'private, max-age=30',
        },
      })
    },
  },
]
