// `insights` (AI-1…AI-4): segment insights, match intelligence, coach audio and "ask the match".
// Generation reads only what the caller can already read (as the caller); storing the derived
// row is a named service step, because members may trigger a refresh they cannot write.
import { assetKeys } from '../../../contracts/keys.ts'
import { z } from 'zod'
import { asService, readAsUser, type Tx } from '../_shared/db.ts'
import { HttpError, json, notFound, parseBody, uuidParam } from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import { embeddings, speech, summaries, vectorLiteral } from '../_shared/providers/index.ts'
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

const Ask = z.object({ question: z.string().trim().min(3, 'ask a question').max(500) }).strict()

interface InsightRow {
  segment_id: string
  org_id: string
  headline: string
  summary: string
  coach_script: string
  coach_audio_key: string | null
  narration_count: number
  model: string
  generated_at: Date
}

async function segmentContext(tx: Tx, segmentId: string) {
  const [seg] = await tx<{ org_id: string; media_asset_id: string }[]>`
    select org_id, media_asset_id from public.segments where id = ${segmentId}`
  if (!seg) throw notFound('Segment not found.')
  await requireOrgRole(tx, seg.org_id, 'member')
  const texts = await tx<{ text: string }[]>`
    select coalesce(nullif(clean_transcript, ''), raw_transcript) as text from public.narrations
    where segment_id = ${segmentId} and coalesce(nullif(clean_transcript, ''), raw_transcript) <> ''
    order by created_at`
  const tags = await tx<{ key: string }[]>`
    select tag_key as key from public.segment_tags where segment_id = ${segmentId} and tag_type <> 'identity'`
  const [existing] = await tx<
    InsightRow[]
  >`select * from public.segment_insights where segment_id = ${segmentId}`
  return { ...seg, texts: texts.map((t) => t.text), tags: tags.map((t) => t.key), existing }
}

async function ensureSegmentInsight(user: Parameters<typeof readAsUser>[0], segmentId: string) {
  const ctx = await readAsUser(user, (tx) => segmentContext(tx, segmentId))
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
  const row = await asService(
    'store-segment-insight',
    async (tx) => {
      const [stored] = await tx<InsightRow[]>`
      insert into public.segment_insights (segment_id, org_id, headline, summary, coach_script, narration_count, model)
      values (${segmentId}, ${ctx.org_id}, ${insight.headline}, ${insight.summary}, ${insight.coachScript},
              ${ctx.texts.length}, ${provider.name})
      on conflict (segment_id) do update set headline = excluded.headline, summary = excluded.summary,
        coach_script = excluded.coach_script, narration_count = excluded.narration_count,
        model = excluded.model, coach_audio_key = null, generated_at = now(), updated_at = now()
      returning *`
      return stored!
    },
    user.id,
  )
  return { row, generated: true, ctx }
}

const toInsight = (r: InsightRow) => ({
  segmentId: r.segment_id,
  headline: r.headline,
  summary: r.summary,
  coachScript: r.coach_script,
  hasAudio: r.coach_audio_key !== null,
  narrationCount: r.narration_count,
  model: r.model,
  generatedAt: new Date(r.generated_at).toISOString(),
})

interface IntelligenceRow {
  media_asset_id: string
  level: string
  headline: string | null
  lines: string[]
  sections: Record<string, string[]>
  narration_count: number
  model: string
  generated_at: Date
}

// camelCase like every other insight shape; the row's org and bookkeeping columns stay inside.
const toIntelligence = (r: IntelligenceRow) => ({
  mediaAssetId: r.media_asset_id,
  level: r.level,
  headline: r.headline,
  lines: r.lines,
  sections: r.sections,
  narrationCount: r.narration_count,
  model: r.model,
  generatedAt: new Date(r.generated_at).toISOString(),
})

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
        await asService(
          'store-coach-audio-key',
          (tx) => tx`
          update public.segment_insights set coach_audio_key = ${key} where segment_id = ${segmentId}`,
          user.id,
        )
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
      const ctx = await readAsUser(user, async (tx) => {
        const [media] = await tx<{ org_id: string; name: string }[]>`
          select org_id, name from public.media_assets where id = ${id}`
        if (!media) throw notFound('Video not found.')
        await requireOrgRole(tx, media.org_id, 'member')
        const texts = await tx<{ text: string }[]>`
          select coalesce(nullif(clean_transcript, ''), raw_transcript) as text from public.narrations
          where media_asset_id = ${id} order by start_seconds nulls last, created_at`
        const tags = await tx<{ key: string }[]>`
          select t.tag_key as key from public.segment_tags t join public.segments s on s.id = t.segment_id
          where s.media_asset_id = ${id} and t.tag_type <> 'identity'
          group by t.tag_key order by count(*) desc, t.tag_key limit 10`
        const [existing] = await tx<
          IntelligenceRow[]
        >`select * from public.match_intelligence where media_asset_id = ${id}`
        return {
          ...media,
          texts: texts.map((t) => t.text).filter(Boolean),
          tags: tags.map((t) => t.key),
          existing,
        }
      })
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
      const [stored] = await asService(
        'store-match-intelligence',
        (tx) => tx<IntelligenceRow[]>`
        insert into public.match_intelligence (media_asset_id, org_id, level, headline, lines, sections, narration_count, model)
        values (${id}, ${ctx.org_id}, ${level}::public.intelligence_level, ${insight.headline}, ${tx.json(lines)},
                ${tx.json(sections)}, ${ctx.texts.length}, ${provider.name})
        on conflict (media_asset_id) do update set level = excluded.level, headline = excluded.headline,
          lines = excluded.lines, sections = excluded.sections, narration_count = excluded.narration_count,
          model = excluded.model, generated_at = now(), updated_at = now()
        returning *`,
        user.id,
      )
      return json({ intelligence: toIntelligence(stored!), generated: true })
    },
  },
  {
    method: 'POST',
    pattern: '/matches/:mediaAssetId/ask',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.mediaAssetId)
      const { question } = await parseBody(req, Ask)
      let vector: number[] | undefined
      try {
        ;[vector] = await embeddings().embed([question])
      } catch {
        vector = undefined
      }
      const evidence = await readAsUser(user, async (tx) => {
        const [media] = await tx<
          { org_id: string }[]
        >`select org_id from public.media_assets where id = ${id}`
        if (!media) throw notFound('Video not found.')
        await requireOrgRole(tx, media.org_id, 'member')
        // AI-4: evidence is narrations and segment insights of this match (not the summary,
        // which is itself derived from the same narrations).
        return await tx<
          {
            kind: string
            narration_id: string
            segment_id: string | null
            start_seconds: string | null
            transcript: string
            score: number
          }[]
        >`
          select kind, id as narration_id, segment_id, start_seconds, content as transcript, score
          from private.search_knowledge(${media.org_id}, ${question},
            ${vector ? vectorLiteral(vector) : null}::extensions.halfvec, ${id}, 20)
          where kind <> 'match_summary'`
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
          : await readAsUser(
              user,
              (tx) => tx<{ id: string; start_seconds: string; end_seconds: string }[]>`
                select id, start_seconds, end_seconds from public.segments
                where id = any(${recommendedSegmentIds}::uuid[])`,
            )
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
