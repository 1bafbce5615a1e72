// Insight reads (as the caller) and the named service steps that store derived rows, because
// members may trigger a refresh they cannot write.
import type { IntelligenceLevel } from '../../../contracts/enums.ts'
import { asService, type Tx } from '../_shared/db.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import { NARRATION_TEXT } from '../_shared/sql.ts'
import { notFound } from '../_shared/http.ts'

export interface InsightRow {
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

export const toInsight = (r: InsightRow) => ({
  segmentId: r.segment_id,
  headline: r.headline,
  summary: r.summary,
  coachScript: r.coach_script,
  hasAudio: r.coach_audio_key !== null,
  narrationCount: r.narration_count,
  model: r.model,
  generatedAt: new Date(r.generated_at).toISOString(),
})

export interface IntelligenceRow {
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
export const toIntelligence = (r: IntelligenceRow) => ({
  mediaAssetId: r.media_asset_id,
  level: r.level,
  headline: r.headline,
  lines: r.lines,
  sections: r.sections,
  narrationCount: r.narration_count,
  model: r.model,
  generatedAt: new Date(r.generated_at).toISOString(),
})

/** What a segment insight is made from: its transcribed narrations, tags and the stored row. */
export async function segmentContext(tx: Tx, segmentId: string) {
  const [seg] = await tx<{ org_id: string; media_asset_id: string }[]>`
    select org_id, media_asset_id from public.segments where id = ${segmentId}`
  if (!seg) throw notFound('Segment not found.')
  await requireOrgRole(tx, seg.org_id, 'member')
  const texts = await tx<{ text: string }[]>`
    select ${tx.unsafe(NARRATION_TEXT)} as text from public.narrations n
    where n.segment_id = ${segmentId} and ${tx.unsafe(NARRATION_TEXT)} <> ''
    order by n.created_at`
  const tags = await tx<{ key: string }[]>`
    select tag_key as key from public.segment_tags where segment_id = ${segmentId} and tag_type <> 'identity'`
  const [existing] = await tx<
    InsightRow[]
  >`select * from public.segment_insights where segment_id = ${segmentId}`
  return { ...seg, texts: texts.map((t) => t.text), tags: tags.map((t) => t.key), existing }
}

export async function storeSegmentInsight(
  actor: string,
  i: {
    segmentId: string
    orgId: string
    headline: string
    summary: string
    coachScript: string
    narrationCount: number
    model: string
  },
): Promise<InsightRow> {
  return await asService(
    'store-segment-insight',
    async (tx) => {
      const [stored] = await tx<InsightRow[]>`
      insert into public.segment_insights (segment_id, org_id, headline, summary, coach_script, narration_count, model)
      values (${i.segmentId}, ${i.orgId}, ${i.headline}, ${i.summary}, ${i.coachScript},
              ${i.narrationCount}, ${i.model})
      on conflict (segment_id) do update set headline = excluded.headline, summary = excluded.summary,
        coach_script = excluded.coach_script, narration_count = excluded.narration_count,
        model = excluded.model, coach_audio_key = null, generated_at = now(), updated_at = now()
      returning *`
      return stored!
    },
    actor,
  )
}

export async function storeCoachAudioKey(actor: string, segmentId: string, key: string) {
  await asService(
    'store-coach-audio-key',
    (tx) => tx`
    update public.segment_insights set coach_audio_key = ${key} where segment_id = ${segmentId}`,
    actor,
  )
}

/** The match's org (a member's role checked), or 404. */
export async function matchOrg(tx: Tx, id: string) {
  const [media] = await tx<{ org_id: string; name: string }[]>`
    select org_id, name from public.media_assets where id = ${id}`
  if (!media) throw notFound('Video not found.')
  await requireOrgRole(tx, media.org_id, 'member')
  return media
}

/** What match intelligence is made from: narrations in match order, top tags, the stored row. */
export async function matchContext(tx: Tx, id: string) {
  const media = await matchOrg(tx, id)
  const texts = await tx<{ text: string }[]>`
    select ${tx.unsafe(NARRATION_TEXT)} as text from public.narrations n
    where n.media_asset_id = ${id} order by n.start_seconds nulls last, n.created_at`
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
}

export async function storeMatchIntelligence(
  actor: string,
  m: {
    mediaAssetId: string
    orgId: string
    level: IntelligenceLevel
    headline: string
    lines: string[]
    sections: Record<string, string[]>
    narrationCount: number
    model: string
  },
): Promise<IntelligenceRow> {
  const [stored] = await asService(
    'store-match-intelligence',
    (tx) => tx<IntelligenceRow[]>`
    insert into public.match_intelligence (media_asset_id, org_id, level, headline, lines, sections, narration_count, model)
    values (${m.mediaAssetId}, ${m.orgId}, ${m.level}::public.intelligence_level, ${m.headline}, ${tx.json(m.lines)},
            ${tx.json(m.sections)}, ${m.narrationCount}, ${m.model})
    on conflict (media_asset_id) do update set level = excluded.level, headline = excluded.headline,
      lines = excluded.lines, sections = excluded.sections, narration_count = excluded.narration_count,
      model = excluded.model, generated_at = now(), updated_at = now()
    returning *`,
    actor,
  )
  return stored!
}

export interface Evidence {
  kind: string
  narration_id: string
  segment_id: string | null
  start_seconds: string | null
  transcript: string
  score: number
}

/**
 * AI-4: evidence is narrations and segment insights of this match (not the summary, which is
 * itself derived from the same narrations).
 */
export function matchEvidence(
  tx: Tx,
  orgId: string,
  mediaAssetId: string,
  question: string,
  vector: string | null,
) {
  return tx<Evidence[]>`
    select kind, id as narration_id, segment_id, start_seconds, content as transcript, score
    from private.search_knowledge(${orgId}, ${question},
      ${vector}::extensions.halfvec, ${mediaAssetId}, 20)
    where kind <> 'match_summary'`
}

export function segmentBounds(tx: Tx, ids: string[]) {
  return tx<{ id: string; start_seconds: string; end_seconds: string }[]>`
    select id, start_seconds, end_seconds from public.segments
    where id = any(${ids}::uuid[])`
}
