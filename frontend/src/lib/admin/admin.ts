// ADM-2: the decisions behind the admin console, kept pure so they are tested without a server.

export interface AdminJob {
  id: string
  org_id: string | null
  media_asset_id: string | null
  type: string
  state: string
  progress: number | null
  attempt: number
  max_attempts: number
  lease_owner: string | null
  error_code: string | null
  error_message: string | null
  created_at: string
  finished_at: string | null
}

export const FAILED_WINDOW_HOURS = 72

/** Failed jobs that finished within the last `hours` (ADM-1 "failed jobs, 72 h"). */
export function recentFailures(
  jobs: AdminJob[],
  now: Date,
  hours = FAILED_WINDOW_HOURS,
): AdminJob[] {
  const since = now.getTime() - hours * 3600 * 1000
  return jobs.filter((j) => {
    if (j.state !== 'failed') return false
    const at = Date.parse(j.finished_at ?? j.created_at)
    return Number.isFinite(at) && at >= since
  })
}

/** The typed confirmation must equal the org's slug exactly: the server checks the same value. */
export function deleteConfirmed(typed: string, slug: string): boolean {
  return typed.trim() === slug && slug.length > 0
}

/** Nobody changes their own platform role (ADM-2), so an admin cannot lock themselves out. */
export function canChangeRole(
  adminUserId: string | null | undefined,
  targetUserId: string,
): boolean {
  return !!adminUserId && adminUserId !== targetUserId
}

export type Tone = 'complete' | 'processing' | 'failed'

export function deviceTone(status: string): Tone {
  if (status === 'online') return 'complete'
  if (status === 'degraded') return 'processing'
  return 'failed'
}

export function jobTone(state: string): Tone {
  if (state === 'succeeded') return 'complete'
  if (state === 'failed' || state === 'cancelled') return 'failed'
  return 'processing'
}

const GIB = 1024 ** 3

/** Storage limit typed in GiB → bytes for the API; null when the text is not a usable number. */
export function gibToBytes(text: string | number): number | null {
  const value = typeof text === 'number' ? text : Number(String(text).replace(',', '.'))
  if (!Number.isFinite(value) || value < 0 || value > 100 * 1024) return null
  return Math.round(value * GIB)
}

export function bytesToGib(bytes: number): number {
  return Math.round((bytes / GIB) * 100) / 100
}

export const SLUG_RULE = /^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/

export interface OrgDraft {
  name: string
  slug: string
  type: string
  visibility: string
  bio: string
  storageGib: string
}

export interface OrgBefore {
  name: string
  slug: string
  type: string
  visibility?: string | null
  bio?: string | null
  storage_limit_bytes: number
}

/** Checks a draft and returns only the fields that changed (the PATCH is strict), or a problem. */
export function orgPatch(
  before: OrgBefore,
  draft: OrgDraft,
): { patch: Record<string, unknown> } | { problem: string } {
  const name = draft.name.trim()
  const slug = draft.slug.trim()
  if (name.length < 2 || name.length > 120)
    return { problem: 'The name needs 2 to 120 characters.' }
  if (!SLUG_RULE.test(slug)) {
    return { problem: 'The slug uses lowercase letters, digits and dashes (up to 48).' }
  }
  const bytes = gibToBytes(draft.storageGib)
  if (bytes === null) return { problem: 'The storage limit is a number of GiB, 0 or more.' }
  const patch: Record<string, unknown> = {}
  if (name !== before.name) patch.name = name
  if (slug !== before.slug) patch.slug = slug
  if (draft.type !== before.type) patch.type = draft.type
  if (before.visibility !== undefined && draft.visibility !== before.visibility) {
    patch.visibility = draft.visibility
  }
  const bio = draft.bio.trim()
  // The org list does not carry the bio: an unknown bio is only replaced, never cleared.
  if (before.bio === undefined) {
    if (bio !== '') patch.bio = bio
  } else if (bio !== (before.bio ?? '')) patch.bio = bio === '' ? null : bio
  if (Math.abs(bytes - before.storage_limit_bytes) >= 1024 ** 2) patch.storageLimitBytes = bytes
  return { patch }
}
