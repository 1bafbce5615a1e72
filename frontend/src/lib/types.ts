export type OrgRole = 'owner' | 'manager' | 'staff' | 'member'
export type OrgType = 'team' | 'academy' | 'personal'
export type MediaKind = 'match' | 'opposition' | 'training' | 'clinic'
export type MediaStatus =
  'uploading' | 'uploaded' | 'transcoding' | 'transcoded' | 'complete' | 'failed'

export interface Profile {
  id: string
  username: string
  name: string | null
  platform_role: 'admin' | 'moderator' | 'user'
  primary_org_id: string | null
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
  storage_limit_bytes?: number
  join_code?: string | null
  join_code_set_at?: string | null
}

export interface Rendition {
  name: string
  width: number
  height: number
  bandwidth: number
  playlist: string
}

export interface MediaAsset {
  id: string
  org_id: string
  name: string
  kind: MediaKind
  status: MediaStatus
  progress: number | null
  playable: boolean
  file_name: string | null
  size_bytes: number | null
  duration_seconds: number | null
  width: number | null
  height: number | null
  renditions: Rendition[] | null
  error_code: string | null
  error_message: string | null
  created_at: string
  updated_at: string
}

export interface UploadPart {
  partNumber: number
  url: string
}

export interface CreateUploadResponse {
  asset: MediaAsset
  uploadId: string
  key: string
  partSize: number
  parts: UploadPart[]
}

export interface UploadStateResponse {
  asset: MediaAsset
  uploadId: string
  partSize: number
  uploadedParts: { partNumber: number; size: number; etag: string }[]
  parts: UploadPart[]
}

export interface PlaybackResponse {
  ready: boolean
  status: MediaStatus
  masterPlaylistUrl?: string
  posterUrl?: string
  storyboardUrl?: string
  expiresAt?: string
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}
