// `insights` (AI-1…AI-4): segment insights, match intelligence, coach audio and "ask the match".
// Generation reads only what the caller can already read (as the caller); storing the derived
// row is a named service step, because members may trigger a refresh they cannot write.
import { assetKeys } from '../../../contracts/keys.ts'
import { z } from 'zod'
import type { AuthUser } from '../_shared/auth.ts'
import { readAsUser } from '../_shared/db.ts'
import { HttpError, json, parseBody, uuidParam } from '../_shared/http.ts'
import { queryVector, speech, summaries } from '../_shared/providers/index.ts'
import type { Route } from '../_shared/router.ts'
import * as storage from '../_shared/storage.ts'
import {
  answerConfidence,
  intelligenceLevel,
  matchIntelligenceStale,
  normalizeRrf,
  sectionize,
  segmentInsightStale,
  shapeSegmentInsight,
} from './rules.ts'
import * as store from './store.ts'
import { toInsight, toIntelligence } from './store.ts'

const Ask = z.object({ question: z.string().trim().min(3, 'ask a question').max(500) }).strict()

async function ensureSegmentInsight(user: AuthUser, segmentId: string) {
  const ctx = await readAsUser(user, (tx) => store.segmentContext(tx, segmentId))
  // Nothing to summarize yet (no narration, or none transcribed): no insight, and no stored row
  // of placeholder words that search would then serve.
  if (ctx.texts.length === 0) return { row: null, generated: false, ctx }
  if (ctx.existing && !segmentInsightStale(ctx.existing.narration_count, ctx.texts.length)) {
    return { row: ctx.existing, generated: false, ctx }
  }
  const provider = summaries()
  const insight = shapeSegmentInsight(
    await provider.segmentInsight({ narrations: ctx.texts, tags: ctx.tags }),
  )
  const row = await store.storeSegmentInsight(user.id, {
    ...insight,
    segmentId,
    orgId: ctx.org_id,
    narrationCount: ctx.texts.length,
    model: provider.name,
  })
  return { row, generated: true, ctx }
}

export const insightRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/segments/:segmentId',
    handler: async ({ params, user }) => {
      const { row, generated } = await ensureSegmentInsight(user, uuidParam(params.segmentId))
      return json({ insight: row ? toInsight(row) : null, generated })
    },
  },
  {
    method: 'POST',
    pattern: '/segments/:segmentId/audio',
    handler: async ({ params, user }) => {
      const segmentId = uuidParam(params.segmentId)
      const { row, ctx } = await ensureSegmentInsight(user, segmentId)
      if (!row) {
        throw new HttpError(
          409,
          'NO_NARRATION',
          'This clip has no transcribed narration yet, so there is no coach script to read out.',
        )
      }
      let key = row.coach_audio_key
      if (!key) {
        const audio = await speech().speak(row.coach_script)
        key = assetKeys(ctx.org_id, ctx.media_asset_id).coachAudio(segmentId)
        await storage.putObject(key, audio.audio, audio.contentType)
        await store.storeCoachAudioKey(user.id, segmentId, key)
      }
      return json({
        audioUrl: await storage.presignGet(key),
        expiresInSeconds: storage.PRESIGN_SECONDS,
      })
    },
  },
  {
    method: 'GET',
    pattern: '/matches/:mediaAssetId',
    handler: async ({ params, user, logOrg }) => {
      const id = uuidParam(params.mediaAssetId)
      const ctx = await readAsUser(user, (tx) => store.matchContext(tx, id))
      logOrg(ctx.org_id)
      const level = intelligenceLevel(ctx.texts.length)
      if (level === 'empty') {
        return json({
          intelligence: {
            mediaAssetId: id,
            level,
            headline: null,
            lines: [],
            sections: {},
            narrationCount: 0,
            model: null,
            generatedAt: null,
          },
          generated: false,
        })
      }
      if (ctx.existing && !matchIntelligenceStale(ctx.existing.narration_count, ctx.texts.length)) {
        return json({ intelligence: toIntelligence(ctx.existing), generated: false })
      }
      const provider = summaries()
      const summary = await provider.matchSummary({ narrations: ctx.texts, tags: ctx.tags })
      const sections = level === 'normal' ? sectionize(ctx.texts) : {}
      // Light matches get one line: too few notes to claim more (AI-2).
      const lines = summary.lines.slice(0, level === 'light' ? 1 : 3)
      const insight = { headline: summary.headline }
      const stored = await store.storeMatchIntelligence(user.id, {
        mediaAssetId: id,
        orgId: ctx.org_id,
        level,
        headline: insight.headline,
        lines,
        sections,
        narrationCount: ctx.texts.length,
        model: provider.name,
      })
      return json({ intelligence: toIntelligence(stored), generated: true })
    },
  },
  {
    method: 'POST',
    pattern: '/matches/:mediaAssetId/ask',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.mediaAssetId)
      const { question } = await parseBody(req, Ask)
      const vector = await queryVector(question)
      const evidence = await readAsUser(user, async (tx) => {
        const media = await store.matchOrg(tx, id)
        return await store.matchEvidence(tx, media.org_id, id, question, vector)
      })
      if (evidence.length === 0) {
        throw new HttpError(
          404,
          'NO_EVIDENCE',
          'Nothing in this match’s narrations answers that yet.',
        )
      }
      const best = normalizeRrf(evidence[0]!.score)
      const answer = await summaries().answer({
        question,
        evidence: evidence.map((e) => ({ id: e.narration_id, text: e.transcript })),
      })
      // Citations and clips only from the retrieved evidence: a provider cannot point the coach
      // at a narration or a segment the retrieval (and so RLS) did not return.
      const byId = new Map(evidence.map((e) => [e.narration_id, e]))
      const cited = [...new Set(answer.citedIds)].filter((cid) => byId.has(cid))
      // Clips back the answer: those of the cited evidence; without citations, the best evidence.
      const clipSources =
        cited.length > 0 ? cited.map((cid) => byId.get(cid)!) : evidence.slice(0, 3)
      const recommendedSegmentIds = [
        ...new Set(clipSources.map((e) => e.segment_id).filter((s): s is string => !!s)),
      ].slice(0, 5)
      // A clip opens at its own start, not at the time of the note that pointed to it.
      const clipBounds = new Map(
        (recommendedSegmentIds.length === 0
          ? []
          : await readAsUser(user, (tx) => store.segmentBounds(tx, recommendedSegmentIds))
        ).map((r) => [r.id, r]),
      )
      return json({
        answer: answer.answer,
        citedEvidenceIds: cited,
        confidence: answerConfidence(evidence.length, best),
        evidence: evidence.map((e) => ({
          kind: e.kind,
          id: e.narration_id,
          narrationId: e.kind === 'narration' ? e.narration_id : null,
          segmentId: e.segment_id,
          startSeconds: e.start_seconds === null ? null : Number(e.start_seconds),
          text: e.transcript,
          score: Math.round(normalizeRrf(e.score) * 1000) / 1000,
        })),
        recommendedSegmentIds,
        recommendedClips: recommendedSegmentIds
          .filter((sid) => clipBounds.has(sid))
          .map((sid) => ({
            segmentId: sid,
            startSeconds: Number(clipBounds.get(sid)!.start_seconds),
            endSeconds: Number(clipBounds.get(sid)!.end_seconds),
          })),
      })
    },
  },
]
