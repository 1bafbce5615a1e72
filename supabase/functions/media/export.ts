// Export (MEDIA-6, B-4): a match's segments with tags and narrations as JSON or CSV, and MP4 clip
// exports queued as `export` jobs for the worker (result key presigned when done).
import type { JobState, MediaKind } from '../../../contracts/enums.ts'
import { type ClipExportPayload, idempotencyKeys } from '../../../contracts/jobs.ts'
import { assetKeys } from '../../../contracts/keys.ts'
import type {
  ClipExportResponse,
  ExportSegment,
  MatchExport,
} from '../../../contracts/responses.ts'
import type { AuthUser } from '../_shared/auth.ts'
import { asUser, readAsUser } from '../_shared/db.ts'
import { notFound } from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import { dispatchJob } from '../_shared/queue.ts'
import { NARRATION_TEXT } from '../_shared/sql.ts'
import * as storage from '../_shared/storage.ts'

/** RFC 4180 field quoting; formulas are neutralized so spreadsheets never execute cell text. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One row per narration (segments without narrations get one row with empty narration cells). */
export function toCsv(segments: ExportSegment[]): string {
  const header = [
    'segment_id',
    'start_seconds',
    'end_seconds',
    'segment_source',
    'title',
    'tags',
    'narration_start_seconds',
    'narration_author',
    'narration_source',
    'narration_text',
  ]
  const rows = [header.join(',')]
  for (const s of segments) {
    const base = [s.id, s.startSeconds, s.endSeconds, s.source, s.title, s.tags.join(' ')]
    const narrations = s.narrations.length > 0 ? s.narrations : [null]
    for (const n of narrations) {
      rows.push([...base, n?.startSeconds, n?.author, n?.source, n?.text].map(csvField).join(','))
    }
  }
  return rows.join('\r\n') + '\r\n'
}

export async function exportMatch(user: AuthUser, assetId: string): Promise<MatchExport> {
  return await readAsUser(user, async (tx) => {
    const [asset] = await tx<
      { org_id: string; name: string; kind: MediaKind; duration_seconds: number | null }[]
    >`
      select org_id, name, kind::text as kind, duration_seconds from public.media_assets where id = ${assetId}`
    if (!asset) throw notFound('Video not found.')
    await requireOrgRole(tx, asset.org_id, 'member')
    const rows = await tx<
      {
        id: string
        start_seconds: number
        end_seconds: number
        source: string
        title: string | null
        tags: string[]
        narrations: ExportSegment['narrations']
      }[]
    >`
      select s.id, s.start_seconds::float8 as start_seconds, s.end_seconds::float8 as end_seconds,
             s.source::text as source, s.title,
             coalesce((select array_agg(case when t.tag_type = 'identity' then 'player:' || coalesce(p.username, '?')
                                        else t.tag_type::text || ':' || t.tag_key end order by t.created_at)
                       from public.segment_tags t left join public.profiles p on p.id = t.tagged_user_id
                       where t.segment_id = s.id), '{}') as tags,
             coalesce((select jsonb_agg(jsonb_build_object('startSeconds', n.start_seconds::float8,
                                         'author', p.username, 'source', n.source_type,
                                         'text', ${tx.unsafe(NARRATION_TEXT)})
                                        order by n.start_seconds nulls last, n.created_at)
                       from public.narrations n left join public.profiles p on p.id = n.author_id
                       where n.segment_id = s.id), '[]'::jsonb) as narrations
      from public.segments s where s.media_asset_id = ${assetId}
      order by s.start_seconds, s.id`
    const segments: ExportSegment[] = rows.map((r) => ({
      id: r.id,
      startSeconds: r.start_seconds,
      endSeconds: r.end_seconds,
      source: r.source,
      title: r.title,
      tags: r.tags,
      narrations: r.narrations,
    }))
    return {
      match: {
        id: assetId,
        name: asset.name,
        kind: asset.kind,
        durationSeconds: asset.duration_seconds,
      },
      exportedAt: new Date().toISOString(),
      segments,
    }
  })
}

/** Queues (once per segment) the MP4 cut of a segment; the worker writes `result.key`. */
export async function requestClipExport(
  user: AuthUser,
  assetId: string,
  segmentId: string,
): Promise<ClipExportResponse> {
  const idempotencyKey = idempotencyKeys.export(segmentId)
  const job = await asUser(user, async (tx) => {
    const [seg] = await tx<
      { org_id: string; start_seconds: number; end_seconds: number; original_key: string }[]
    >`
      select s.org_id, s.start_seconds::float8 as start_seconds, s.end_seconds::float8 as end_seconds,
             a.original_key
      from public.segments s join public.media_assets a on a.id = s.media_asset_id
      where s.id = ${segmentId} and s.media_asset_id = ${assetId}`
    if (!seg) throw notFound('Segment not found.')
    await requireOrgRole(tx, seg.org_id, 'staff')
    const payload: ClipExportPayload = {
      kind: 'segment_mp4',
      assetId,
      segmentId,
      startSeconds: seg.start_seconds,
      endSeconds: seg.end_seconds,
      key: assetKeys(seg.org_id, assetId).clipExport(segmentId),
      originalKey: seg.original_key,
    }
    await tx`
      insert into public.jobs (org_id, media_asset_id, type, payload, idempotency_key, created_by)
      values (${seg.org_id}, ${assetId}, 'export', ${tx.json(payload as never)}, ${idempotencyKey},
              ${user.id})
      on conflict (idempotency_key) do nothing`
    const [row] = await tx<
      {
        id: string
        state: JobState
        result: { key?: string } | null
        error_message: string | null
      }[]
    >`
      select id, state::text as state, result, error_message from public.jobs
       where idempotency_key = ${idempotencyKey}`
    return row!
  })
  if (job.state === 'queued') await dispatchJob({ id: job.id, type: 'export' })
  return {
    jobId: job.id,
    state: job.state,
    error: job.error_message,
    downloadUrl:
      job.state === 'succeeded' && job.result?.key
        ? await storage.presignGet(job.result.key)
        : null,
  }
}
