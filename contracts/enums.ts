// The database's enum types, as one list each. Postgres owns the values (migration
// 20250101000000_foundation.sql and friends); everything in TypeScript derives from these arrays:
// zod schemas in the functions (`z.enum(ORG_ROLES)`), the worker's payload checks and the SPA's
// types. `contracts/enums.test.ts` holds each list equal to the database's `enum_range()`.
//
// This folder is dependency-free on purpose: the functions import it by relative path (the CLI
// uploads it with each function), Vite bundles it into the SPA, and the worker runs it under Node.

export const PLATFORM_ROLES = ['admin', 'moderator', 'user'] as const
export type PlatformRole = (typeof PLATFORM_ROLES)[number]

export const ORG_ROLES = ['owner', 'manager', 'staff', 'member'] as const
export type OrgRole = (typeof ORG_ROLES)[number]

export const ORG_TYPES = ['team', 'academy', 'personal'] as const
export type OrgType = (typeof ORG_TYPES)[number]

export const ORG_VISIBILITIES = ['private', 'public'] as const
export type OrgVisibility = (typeof ORG_VISIBILITIES)[number]

export const ORG_REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const
export type OrgRequestStatus = (typeof ORG_REQUEST_STATUSES)[number]

export const MEDIA_KINDS = ['match', 'opposition', 'training', 'clinic'] as const
export type MediaKind = (typeof MEDIA_KINDS)[number]

export const MEDIA_STATUSES = [
  'uploading',
  'uploaded',
  'transcoding',
  'transcoded',
  'complete',
  'failed',
] as const
export type MediaStatus = (typeof MEDIA_STATUSES)[number]

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const
export type JobState = (typeof JOB_STATES)[number]

export const JOB_TYPES = [
  'transcode',
  'transcribe',
  'embed',
  'segment_insight',
  'match_intelligence',
  'coach_audio',
  'export',
  'storage_cleanup',
] as const
export type JobType = (typeof JOB_TYPES)[number]

export const CONTENT_SOURCES = [
  'auto',
  'ai',
  'coach',
  'staff',
  'manager',
  'owner',
  'member',
] as const
export type ContentSource = (typeof CONTENT_SOURCES)[number]

export const TAG_TYPES = ['action', 'context', 'identity'] as const
export type TagType = (typeof TAG_TYPES)[number]

export const SUGGESTION_STATUSES = ['pending', 'applied', 'rejected'] as const
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number]

export const INTELLIGENCE_LEVELS = ['empty', 'light', 'normal'] as const
export type IntelligenceLevel = (typeof INTELLIGENCE_LEVELS)[number]

export const ASSIGNMENT_TARGET_TYPES = ['team', 'player', 'group'] as const
export type AssignmentTargetType = (typeof ASSIGNMENT_TARGET_TYPES)[number]

export const DEVICE_STATUSES = ['online', 'degraded', 'offline'] as const
export type DeviceStatus = (typeof DEVICE_STATUSES)[number]
