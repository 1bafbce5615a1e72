// Table rows as postgres.js hands them to the functions and the worker: timestamps as Date,
// bigint as string (postgres.js does not narrow it to a number), enums as their text. Queries that
// select fewer columns type their result as a Pick of these.
import type { JobState, JobType, MediaKind, MediaStatus } from './enums.ts'
import type { ChangeCursor } from './responses.ts'

/** One rung of `media_assets.renditions`, lowest first; `playlist` is relative to the master. */
export interface RenditionRow {
  name: string
  width: number
  height: number
  bandwidth: number
  averageBandwidth?: number
  codecs?: string
  playlist: string
}

export interface MediaAssetRow {
  id: string
  org_id: string
  uploaded_by: string | null
  name: string
  kind: MediaKind
  status: MediaStatus
  processing_stage: string | null
  progress: number
  playable: boolean
  file_name: string
  content_type: string
  size_bytes: string | number
  renditions_bytes: string | number
  duration_seconds: number | null
  width: number | null
  height: number | null
  checksum: string | null
  storage_prefix: string
  original_key: string
  upload_id: string | null
  master_playlist_key: string | null
  renditions: RenditionRow[] | null
  poster_key: string | null
  storyboard_vtt_key: string | null
  error_code: string | null
  error_message: string | null
  created_at: Date
  /**
   * Selected as text at microsecond precision (media/serialize.ts): a Date would drop the
   * microseconds, and this value is the media/changes cursor.
   */
  updated_at: ChangeCursor
}

/**
 * The columns of media_assets the worker writes through private.update_job_asset (status goes
 * through its own argument, where the transition is checked).
 */
export type WorkerAssetPatch = Partial<
  Pick<
    MediaAssetRow,
    | 'processing_stage'
    | 'progress'
    | 'playable'
    | 'duration_seconds'
    | 'width'
    | 'height'
    | 'master_playlist_key'
    | 'renditions'
    | 'poster_key'
    | 'storyboard_vtt_key'
    | 'error_code'
    | 'error_message'
  > & { renditions_bytes: number }
>

export interface JobRow {
  id: string
  org_id: string
  media_asset_id: string | null
  type: JobType
  state: JobState
  progress: number
  attempt: number
  max_attempts: number
  run_after: Date
  lease_owner: string | null
  lease_expires_at: Date | null
  heartbeat_at: Date | null
  error_code: string | null
  error_message: string | null
  payload: Record<string, unknown>
  result: Record<string, unknown> | null
  idempotency_key: string | null
  created_by: string | null
  created_at: Date
  updated_at: Date
  started_at: Date | null
  finished_at: Date | null
}
