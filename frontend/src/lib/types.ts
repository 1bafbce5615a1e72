export type OrgRole = 'owner' | 'manager' | 'staff' | 'member'
export type OrgType = 'team' | 'academy' | 'personal'
export type OrgVisibility = 'private' | 'public'

/** The choices every org form offers, in the order they are offered. */
export const ORG_TYPES: ReadonlyArray<{ value: OrgType; label: string }> = [
  { value: 'team', label: 'Team' },
  { value: 'academy', label: 'Academy' },
  { value: 'personal', label: 'Personal' },
]
export const ORG_VISIBILITIES: ReadonlyArray<{ value: OrgVisibility; label: string }> = [
  { value: 'private', label: 'Private' },
  { value: 'public', label: 'Public' },
]
export type MediaKind = 'match' | 'opposition' | 'training' | 'clinic'
export type MediaStatus =
  'uploading' | 'uploaded' | 'transcoding' | 'transcoded' | 'complete' | 'failed'

export type PlatformRole = 'admin' | 'moderator' | 'user'

// API shapes are camelCase (supabase/functions/*/serialize.ts), unlike the table columns.
export interface Profile {
  id: string
  username: string
  name: string | null
  platformRole: PlatformRole
  primaryOrgId: string | null
  avatarUrl?: string | null
  createdAt?: string
}

export interface OrgSummary {
  id: string
  slug: string
  name: string
  type: OrgType
  memberCount?: number
}

export interface Membership {
  role: OrgRole
  org: OrgSummary
}

export interface MeResponse {
  user: { id: string; email: string }
  profile: Profile | null
  memberships: Membership[]
  primaryOrgId: string | null
  landing: 'admin' | 'onboarding' | 'org' | 'home'
}

export interface Organization extends OrgSummary {
  visibility?: string
  bio?: string | null
  storageLimitBytes?: number
  createdBy?: string | null
  createdAt?: string
}

export interface Rendition {
  name: string
  width: number
  height: number
  bandwidth: number
}

export interface MediaAsset {
  id: string
  orgId: string
  uploadedBy?: string | null
  name: string
  kind: MediaKind
  status: MediaStatus
  /** Worker stage within a status, e.g. "probing", "encoding 720p". */
  stage?: string | null
  progress: number | null
  playable: boolean
  fileName: string | null
  contentType?: string | null
  sizeBytes: number | null
  durationSeconds: number | null
  width: number | null
  height: number | null
  renditions: Rendition[] | null
  hasPoster?: boolean
  error: { code: string; message: string } | null
  createdAt: string
  updatedAt: string
}

export interface UploadPart {
  partNumber: number
  url: string
}

/** `parts` holds URLs for the first batch only; `POST media/uploads/:id/parts` gives the rest. */
export interface CreateUploadResponse {
  asset: MediaAsset
  uploadId: string
  key: string
  partSize: number
  partCount: number
  parts: UploadPart[]
}

export interface UploadStateResponse {
  asset: MediaAsset
  uploadId: string
  partSize: number
  partCount: number
  uploadedParts: { partNumber: number; size: number; etag: string }[]
  /** URLs for the first batch of missing parts. */
  parts: UploadPart[]
}

export interface PlaybackResponse {
  ready: boolean
  status: MediaStatus
  progress?: number
  stage?: string | null
  error?: { code: string; message: string } | null
  masterPlaylistUrl?: string
  posterUrl?: string | null
  storyboardUrl?: string | null
  expiresAt?: string
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}
