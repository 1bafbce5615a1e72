// `narrations`: text and voice narrations (NARR-1…3), transcription with a visible failure and
// retry (NARR-2), embeddings (NARR-4), hybrid search (NARR-5) and filters (NARR-6).
import { narrationKeys } from '../../../contracts/keys.ts'
import { z } from 'zod'
import { CONTENT_SOURCES } from '../../../contracts/enums.ts'
import { asService, asUser, readAsUser } from '../_shared/db.ts'
import { HttpError, json, noContent, parseBody, parseQuery, uuidParam } from '../_shared/http.ts'
import { requireOrgRole, requireServiceOrPlatformAdmin, withOrgRole } from '../_shared/orgs.ts'
import { queryVector } from '../_shared/providers/index.ts'
import type { Route } from '../_shared/router.ts'
import * as storage from '../_shared/storage.ts'
import * as store from './store.ts'
import { narrationById, refreshEmbedding, toNarration } from './store.ts'
import { enqueueTranscription, transcribeJobOf } from './job-store.ts'
import { background, runJob, sweepTranscriptions } from './jobs.ts'

const Text = z.string().trim().max(10_000, 'at most 10,000 characters')
const Seconds = z.number().min(0).max(86_400)
/** The recording formats a browser sends, each with the extension its object is stored under. */
const audioExt = {
  'audio/mp4': 'm4a',
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/aac': 'aac',
} as const
type AudioType = keyof typeof audioExt
const AudioType = z.enum(Object.keys(audioExt) as [AudioType, ...AudioType[]])

const ListQuery = z.object({
  mediaAssetId: z.uuid({ message: 'must be a UUID' }),
  segmentId: z.uuid().optional(),
  source: z.enum(CONTENT_SOURCES).optional(),
  tag: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,40}$/, 'must be a tag key')
    .optional(),
})

const CreateNarration = z
  .object({
    mediaAssetId: z.uuid(),
    segmentId: z.uuid().optional(),
    text: Text.optional(),
    startSeconds: Seconds.optional(),
    endSeconds: Seconds.optional(),
    language: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
      .default('en'),
    audio: z
      .object({
        contentType: z
          .string()
          .transform((s) => s.split(';')[0]!.trim())
          .pipe(AudioType),
        durationSeconds: z.number().min(0.5, 'a recording needs at least 0.5 s').max(600),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((v) => v.audio || (v.text && v.text.length > 0), {
    message: 'type a narration or record one',
    path: ['text'],
  })

const Transcribe = z.object({ previewText: Text.optional() }).strict()
const Sweep = z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict()

const jobView = (job: Awaited<ReturnType<typeof transcribeJobOf>>) =>
  job && { id: job.id, state: job.state, attempt: job.attempt, maxAttempts: job.maxAttempts }
const UpdateNarration = z.object({ text: Text.min(1, 'required') }).strict()
const SearchQuery = z.object({
  orgId: z.uuid({ message: 'must be a UUID' }),
  q: z.string().trim().min(1, 'required').max(500),
  mediaAssetId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

export const narrationRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ url, user }) => {
      const q = parseQuery(url, ListQuery)
      const videoOrg = store.mediaOrg(q.mediaAssetId)
      const rows = await withOrgRole(readAsUser, user, videoOrg, 'member', (tx) =>
        store.listNarrations(tx, q),
      )
      return json({ items: rows.map(toNarration) })
    },
  },
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user, logOrg }) => {
      const input = await parseBody(req, CreateNarration)
      const result = await asUser(user, async (tx) => {
        const media = await store.mediaOf(tx, input.mediaAssetId)
        logOrg(media.org_id)
        await requireOrgRole(tx, media.org_id, 'member')
        const id = crypto.randomUUID()
        const audioKey = input.audio
          ? narrationKeys(media.org_id, id).audio(audioExt[input.audio.contentType]!)
          : null
        await store.insertNarration(tx, {
          ...input,
          id,
          orgId: media.org_id,
          authorId: user.id,
          audioKey,
          audioDurationSeconds: input.audio?.durationSeconds,
        })
        if (!input.audio && input.text) await refreshEmbedding(tx, id, input.text)
        const upload = audioKey
          ? {
              url: await storage.presignPut(audioKey, input.audio!.contentType),
              method: 'PUT',
              contentType: input.audio!.contentType,
            }
          : null
        return { row: await narrationById(tx, id), audioUpload: upload }
      })
      // NARR-2: a recording gets its transcribe job now; it runs after the response and, while
      // the browser is still uploading, hands itself back without spending an attempt.
      let job: { id: string; state: string } | null = null
      if (result.row.audio_key) {
        job = await asService(
          'queue-transcription',
          (tx) => enqueueTranscription(tx, result.row, user.id),
          user.id,
        )
        const jobId = job.id
        background(() => runJob(jobId))
      }
      return json({ narration: toNarration(result.row), audioUpload: result.audioUpload, job }, 201)
    },
  },
  {
    method: 'GET',
    pattern: '/search',
    handler: async ({ url, user, logOrg }) => {
      const q = parseQuery(url, SearchQuery)
      logOrg(q.orgId)
      const vector = await queryVector(q.q)
      const { rows, names } = await withOrgRole(readAsUser, user, q.orgId, 'member', (tx) =>
        store.search(tx, q, vector),
      )
      // B-1: narrations, segment insights and match summaries in one RRF-ranked list; each hit
      // links to the segment at its time (a match summary to the match).
      return json({
        items: rows.map((r) => ({
          kind: r.kind,
          id: r.id,
          narrationId: r.kind === 'narration' ? r.id : null,
          mediaAssetId: r.media_asset_id,
          mediaName: names.get(r.media_asset_id) ?? null,
          segmentId: r.segment_id,
          startSeconds: r.start_seconds === null ? null : Number(r.start_seconds),
          text: r.content,
          snippet: r.snippet,
          textRank: r.text_rank,
          vectorRank: r.vector_rank,
          score: r.score,
        })),
      })
    },
  },
  {
    // NARR-2 retry, and the "recording uploaded" signal: queues the job (a fresh one with new
    // attempts when the last failed) and runs it. With `Prefer: respond-async` the answer is
    // 202 at once; otherwise the first attempt is awaited (200 done, 422 failed, 202 retrying
    // in the background), which is what the SPA has relied on.
    method: 'POST',
    pattern: '/:narrationId/transcribe',
    handler: async ({ req, params, user, logOrg }) => {
      const { previewText } = await parseBody(req, Transcribe)
      const id = uuidParam(params.narrationId)
      const row = await readAsUser(user, (tx) => narrationById(tx, id))
      logOrg(row.org_id)
      if (!row.audio_key) throw new HttpError(400, 'NO_AUDIO', 'This narration has no recording.')
      if (!(await storage.headObject(row.audio_key))) {
        // Nothing changes: the job waits for the upload (the status stays pending).
        throw new HttpError(409, 'AUDIO_NOT_UPLOADED', 'The recording has not been uploaded yet.')
      }
      await asUser(user, async (tx) => {
        if (!(await store.markTranscriptionPending(tx, id))) {
          throw new HttpError(403, 'FORBIDDEN', 'Only the author or staff can transcribe this.')
        }
      })
      const job = await asService(
        'queue-transcription',
        (tx) => enqueueTranscription(tx, row, user.id, previewText),
        user.id,
      )
      const respondAsync = /respond-async/i.test(req.headers.get('prefer') ?? '')
      let status = 202
      if (respondAsync) {
        background(() => runJob(job.id))
      } else {
        const outcome = await runJob(job.id).catch(() => null)
        if (outcome?.kind === 'done') status = 200
        else if (outcome?.kind === 'failed') status = 422
      }
      const [narration, current] = await Promise.all([
        readAsUser(user, (tx) => narrationById(tx, id)),
        asService('read-transcribe-job', (tx) => transcribeJobOf(tx, id), user.id),
      ])
      // A failed transcription is a result the UI shows with a retry, not a server error.
      return json({ narration: toNarration(narration), job: jobView(current) }, status)
    },
  },
  {
    // The sweeper (a cron with the service role key, or a platform admin): nothing stays stuck
    // when an isolate died mid-job or a backoff outlived the request that started it.
    method: 'POST',
    pattern: '/jobs/sweep',
    auth: ['secret', 'user'],
    handler: async (ctx) => {
      const { req } = ctx
      await requireServiceOrPlatformAdmin(ctx)
      const { limit } = await parseBody(req, Sweep)
      return json(await sweepTranscriptions(limit))
    },
  },
  {
    method: 'PATCH',
    pattern: '/:narrationId',
    handler: async ({ req, params, user }) => {
      const { text } = await parseBody(req, UpdateNarration)
      const id = uuidParam(params.narrationId)
      const row = await asUser(user, async (tx) => {
        if (!(await store.updateText(tx, id, text))) {
          // Visible but not editable (another member's) → 403; invisible → 404.
          await narrationById(tx, id)
          throw new HttpError(403, 'FORBIDDEN', 'Only the author or staff can edit this narration.')
        }
        await refreshEmbedding(tx, id, text)
        return await narrationById(tx, id)
      })
      return json({ narration: toNarration(row) })
    },
  },
  {
    method: 'DELETE',
    pattern: '/:narrationId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.narrationId)
      const audioKey = await asUser(user, async (tx) => {
        const existing = await narrationById(tx, id)
        if (!(await store.deleteNarration(tx, id))) {
          throw new HttpError(
            403,
            'FORBIDDEN',
            'Only the author or staff can delete this narration.',
          )
        }
        return existing.audio_key
      })
      if (audioKey) await storage.deletePrefix(audioKey.slice(0, audioKey.lastIndexOf('/') + 1))
      return noContent()
    },
  },
  {
    // Polling while a transcription is pending (NARR-2): the narration and its job.
    method: 'GET',
    pattern: '/:narrationId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.narrationId)
      const row = await readAsUser(user, (tx) => narrationById(tx, id))
      const job = row.audio_key
        ? await asService('read-transcribe-job', (tx) => transcribeJobOf(tx, id), user.id)
        : null
      return json({ narration: toNarration(row), job: jobView(job) })
    },
  },
]
