// Rows (contracts/rows.ts) to response shapes (contracts/responses.ts): the one place the media
// function turns columns into what the SPA reads.
import type { JobRow, MediaAssetRow } from '../../../contracts/rows.ts'
import type { Job, MediaAsset } from '../../../contracts/responses.ts'
import type { Tx } from '../_shared/db.ts'

export type AssetRow = Omit<MediaAssetRow, 'renditions_bytes' | 'checksum'>

/**
 * `updated_at` as text in UTC at the database's microsecond precision (a JS Date stops at
 * milliseconds): it is the asset's `updatedAt` and the media/changes cursor, one value for both.
 */
export const UPDATED_AT_CURSOR = `to_char(a.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

export const ASSET_COLUMNS = `a.id, a.org_id, a.uploaded_by, a.name, a.kind::text as kind,
  a.status::text as status, a.processing_stage, a.progress, a.playable, a.file_name,
  a.content_type, a.size_bytes, a.duration_seconds, a.width, a.height, a.storage_prefix,
  a.original_key, a.upload_id, a.master_playlist_key, a.renditions, a.poster_key,
  a.storyboard_vtt_key, a.error_code, a.error_message, a.created_at,
  ${UPDATED_AT_CURSOR} as updated_at`

/** One asset as the caller may see it (RLS decides), or undefined. */
export async function assetById(tx: Tx, assetId: string): Promise<AssetRow | undefined> {
  const [row] = await tx.unsafe<AssetRow[]>(
    `select ${ASSET_COLUMNS} from public.media_assets a where a.id = $1`,
    [assetId],
  )
  return row
}

/** No storage keys or upload ids leave the API. */
export function toAsset(row: AssetRow): MediaAsset {
  return {
    id: row.id,
    orgId: row.org_id,
    uploadedBy: row.uploaded_by,
    name: row.name,
    kind: row.kind,
    status: row.status,
    stage: row.processing_stage,
    progress: Number(row.progress),
    playable: row.playable,
    fileName: row.file_name,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    durationSeconds: row.duration_seconds,
    width: row.width,
    height: row.height,
    renditions: (row.renditions ?? []).map((r) => ({
      name: r.name,
      width: r.width,
      height: r.height,
      bandwidth: r.bandwidth,
    })),
    hasPoster: row.poster_key !== null,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: row.updated_at,
  }
}

export type JobFields = Pick<
  JobRow,
  | 'id'
  | 'org_id'
  | 'media_asset_id'
  | 'type'
  | 'state'
  | 'progress'
  | 'attempt'
  | 'max_attempts'
  | 'error_code'
  | 'error_message'
  | 'created_at'
  | 'updated_at'
>

export const JOB_COLUMNS = `j.id, j.org_id, j.media_asset_id, j.type::text as type,
  j.state::text as state, j.progress, j.attempt, j.max_attempts, j.error_code, j.error_message,
  j.created_at, j.updated_at`

export function toJob(row: JobFields): Job {
  return {
    id: row.id,
    orgId: row.org_id,
    mediaAssetId: row.media_asset_id,
    type: row.type,
    state: row.state,
    progress: Number(row.progress),
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  }
}
