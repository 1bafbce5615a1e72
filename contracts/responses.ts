// Response bodies of the routes the SPA reads, as the edge functions send them (camelCase, unlike
// the table columns; admin lists are the exception and send rows as selected). The functions'
// serializers return these types and the SPA's types (frontend/src/lib/types.ts) derive from them.
import type {
  DeviceStatus,
  JobState,
  JobType,
  MediaKind,
  MediaStatus,
  OrgRole,
  OrgType,
  OrgVisibility,
  PlatformRole,
} from './enums.ts'

/** ISO-8601 in UTC, as `Date.prototype.toISOString` writes it (milliseconds). */
export type IsoTimestamp = string

/**
 * ISO-8601 in UTC with exactly six fractional digits, the database's own precision
 * (`2026-01-01T10:00:00.123456Z`). Every asset's `updatedAt` and every media/changes cursor is
 * one, so the newest `updatedAt` of a list is a cursor that sits exactly on that row: the feed
 * never hands the row back. Fixed width, so such values also sort correctly as text.
 */
export type ChangeCursor = string

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: Record<string, unknown> }
}

/** A failure a coach can read: the worker's code and its message. */
export interface Problem {
  code: string
  message: string
}

// me (AUTH-3, AUTH-4) -----------------------------------------------------------------------------
export interface Profile {
  id: string
  username: string
  name: string
  platformRole: PlatformRole
  primaryOrgId: string | null
  avatarUrl: string | null
  createdAt: IsoTimestamp
}

export interface OrgSummary {
  id: string
  slug: string
  name: string
  type: OrgType
  memberCount: number
}

export interface Membership {
  role: OrgRole
  org: OrgSummary
}

export type Landing = 'admin' | 'onboarding' | 'org' | 'home'

/** `GET me` */
export interface MeResponse {
  user: { id: string; email: string | null }
  profile: Profile | null
  memberships: Membership[]
  primaryOrgId: string | null
  landing: Landing
}

// orgs (ORG-1) ------------------------------------------------------------------------------------
/** `{ org }` of `POST orgs`, `PATCH orgs/:orgId`; `GET orgs/:orgId` adds the caller's `role`. */
export interface Organization {
  id: string
  slug: string
  name: string
  type: OrgType
  visibility: OrgVisibility
  bio: string | null
  storageLimitBytes: number
  createdBy: string | null
  createdAt: IsoTimestamp
  updatedAt: IsoTimestamp
  memberCount: number
}

// media (MEDIA-1..6) ------------------------------------------------------------------------------
export interface Rendition {
  name: string
  width: number
  height: number
  bandwidth: number
}

/** No storage keys or upload ids leave the API. */
export interface MediaAsset {
  id: string
  orgId: string
  uploadedBy: string | null
  name: string
  kind: MediaKind
  status: MediaStatus
  /** Worker stage within a status, e.g. "probing", "playable at 360p". */
  stage: string | null
  progress: number
  playable: boolean
  fileName: string
  contentType: string
  sizeBytes: number
  durationSeconds: number | null
  width: number | null
  height: number | null
  renditions: Rendition[]
  hasPoster: boolean
  error: Problem | null
  createdAt: IsoTimestamp
  updatedAt: ChangeCursor
}

export interface Job {
  id: string
  orgId: string
  mediaAssetId: string | null
  type: JobType
  state: JobState
  progress: number
  attempt: number
  maxAttempts: number
  error: Problem | null
  createdAt: IsoTimestamp
  updatedAt: IsoTimestamp
}

export interface UploadPartUrl {
  partNumber: number
  url: string
}

export interface StoredPart {
  partNumber: number
  size: number
  etag: string
}

/** `POST media/uploads` (201). `parts` holds URLs for the first batch only. */
export interface CreateUploadResponse {
  asset: MediaAsset
  uploadId: string
  key: string
  partSize: number
  partCount: number
  parts: UploadPartUrl[]
}

/** `GET media/uploads/:assetId`: what storage holds, and URLs for the first missing parts. */
export interface UploadStateResponse {
  asset: MediaAsset
  uploadId: string
  partSize: number
  partCount: number
  uploadedParts: StoredPart[]
  parts: UploadPartUrl[]
}

/** `POST media/uploads/:assetId/parts` */
export interface MorePartsResponse {
  parts: UploadPartUrl[]
}

/** `POST media/uploads/:assetId/complete`: the same job on every call. */
export interface CompleteUploadResponse {
  asset: MediaAsset
  job: Job
}

/** `GET media` */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}

/** `GET media/changes`: assets changed after `since`, oldest first; `cursor` is the next `since`. */
export interface ChangesPage<T> {
  items: T[]
  cursor: ChangeCursor
  timedOut: boolean
}

/** `GET media/:assetId/playback`; the URLs only once `ready`. */
export interface PlaybackResponse {
  ready: boolean
  status: MediaStatus
  progress: number
  stage?: string | null
  error?: Problem | null
  masterPlaylistUrl?: string
  posterUrl?: string | null
  storyboardUrl?: string | null
  expiresAt?: IsoTimestamp
}

export interface ExportNarration {
  startSeconds: number | null
  author: string | null
  source: string
  text: string
}

export interface ExportSegment {
  id: string
  startSeconds: number
  endSeconds: number
  source: string
  title: string | null
  tags: string[]
  narrations: ExportNarration[]
}

/** `GET media/:assetId/export` (JSON; `?format=csv` sends the same segments as CSV). */
export interface MatchExport {
  match: { id: string; name: string; kind: MediaKind; durationSeconds: number | null }
  exportedAt: IsoTimestamp
  segments: ExportSegment[]
}

/** `POST media/:assetId/segments/:segmentId/mp4` (202) */
export interface ClipExportResponse {
  jobId: string
  state: JobState
  error: string | null
  downloadUrl: string | null
}

// admin (ADM-1, ADM-2, TX-7): rows as selected, snake_case --------------------------------------------
export interface AdminPage<T> {
  items: T[]
  page: number
  pageSize: number
}

/** `GET admin/jobs` items */
export interface AdminJob {
  id: string
  org_id: string | null
  media_asset_id: string | null
  type: JobType
  state: JobState
  progress: number | null
  attempt: number
  max_attempts: number
  lease_owner: string | null
  error_code: string | null
  error_message: string | null
  created_at: IsoTimestamp
  finished_at: IsoTimestamp | null
}

/** `GET admin/orgs` items */
export interface AdminOrg {
  id: string
  slug: string
  name: string
  type: OrgType
  visibility: OrgVisibility
  storage_limit_bytes: number
  member_count: number
  media_count: number
  created_at: IsoTimestamp
}

/** `GET admin/devices` items: status is computed at read time (offline after 60 s of silence). */
export interface AdminDevice {
  id: string
  hostname: string
  kind: string | null
  gpu_name: string | null
  encoder: string | null
  current_job_id: string | null
  version: string | null
  status: DeviceStatus
  last_heartbeat_at: IsoTimestamp | null
}
