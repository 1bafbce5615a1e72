// Response and request shapes of the `orgs` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.
import type { OrgRole } from '../enums.ts'

export interface OrgMember {
  userId: string
  role: OrgRole
  username: string | null
  name: string | null
  joinedAt: string
}

export interface JoinCode {
  joinCode: string | null
  setAt: string | null
  expiresAt: string | null
  expired: boolean
}

export interface OrgUsage {
  originalsBytes: number
  renditionsBytes: number
  reservedBytes: number
  usedBytes: number
  limitBytes: number
  percent: number
  level: 'ok' | 'near' | 'critical' | string
}

export interface OrgStats {
  matches: number
  matchesLast30Days?: number
  narrations: number
  segments: number
  identityTaggedSegments: number
  wellCoveredMatches: number
  avgNarrationsPerMatch: number
  openAssignments: number
  members: number
  storage?: { usedBytes: number; reservedBytes: number; limitBytes: number }
  [key: string]: unknown
}
