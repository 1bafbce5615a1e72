export interface Rendition {
  name: string
  width: number
  height: number
  bandwidth: number
  codecs?: string
  playlist: string
}

export interface AssetRow {
  id: string
  org_id: string
  uploaded_by: string | null
  name: string
  kind: string
  status: string
  processing_stage: string | null
  progress: number
  playable: boolean
  file_name: string
  content_type: string
  size_bytes: string | number
  duration_seconds: number | null
  width: number | null
  height: number | null
  storage_prefix: string
  original_key: string
  upload_id: string | null
  master_playlist_key: string | null
  renditions: Rendition[] | null
  poster_key: string | null
  storyboard_vtt_key: string | null
  error_code: string | null
  error_message: string | null
  created_at: Date
  updated_at: Date
}

export const ASSET_COLUMNS = `a.id, a.org_id, a.uploaded_by, a.name, a.kind::text as kind,
  a.status::text as status, a.processing_stage, a.progress, a.playable, a.file_name,
  a.content_type, a.size_bytes, a.duration_seconds, a.width, a.height, a.storage_prefix,
  a.original_key, a.upload_id, a.master_playlist_key, a.renditions, a.poster_key,
  a.storyboard_vtt_key, a.error_code, a.error_message, a.created_at, a.updated_at`

/** The public shape of an asset: no storage keys or upload ids leave the API. */
export function toAsset(row: AssetRow) {
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
    updatedAt: new Date(row.updated_at).toISOString(),
  }
}

export type Asset = ReturnType<typeof toAsset>

export interface JobRow {
  id: string
  org_id: string
  media_asset_id: string | null
  type: string
  state: string
  progress: number
  attempt: number
  max_attempts: number
  error_code: string | null
  error_message: string | null
  created_at: Date
  updated_at: Date
}

export const JOB_COLUMNS = `j.id, j.org_id, j.media_asset_id, j.type::text as type,
  j.state::text as state, j.progress, j.attempt, j.max_attempts, j.error_code, j.error_message,
  j.created_at, j.updated_at`

export function toJob(row: JobRow) {
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
