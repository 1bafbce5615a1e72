// ADM-2: the decisions behind the admin console, kept pure so they are tested without a server.
import type { AdminJob, AdminOrg } from '../../../../contracts/responses.ts'

export type { AdminDevice, AdminJob, AdminOrg } from '../../../../contracts/responses.ts'

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
const MAX_GIB = 100 * 1024

/** Storage limit typed in GiB → bytes for the API; null when the text is not a usable number. */
export function gibToBytes(text: string | number): number | null {
  // A blank field is not "0 GiB": Number('') is 0, which would silently freeze the org's uploads.
  if (typeof text === 'string' && text.trim() === '') return null
  const value = typeof text === 'number' ? text : Number(String(text).trim().replace(',', '.'))
  if (!Number.isFinite(value) || value < 0 || value > MAX_GIB) return null
  return Math.round(value * GIB)
}

export function bytesToGib(bytes: number): number {
  return Math.round((bytes / GIB) * 100) / 100
}

export const SLUG_RULE = /^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/
/** The profiles' username rule (`profiles_username_format`). */
export const USERNAME_RULE = /^[a-z0-9._-]{3,24}$/
const SLUG_SUGGESTION_LENGTH = 40

/**
 * The slug the server would derive from a name (`private.slugify`), offered while the admin has
 * not typed one. Accents are folded first so "Stade Français" reads "stade-francais", not
 * "stade-fran-ais"; an empty answer means the name has no usable letter or digit.
 */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, SLUG_SUGGESTION_LENGTH)
    .replace(/-+$/, '')
}

/** What an admin types to name a user: "@Coach_Sam " → "coach_sam". */
export function usernameOf(text: string): string {
  return text.trim().replace(/^@/, '').toLowerCase()
}

export interface OrgDraft {
  name: string
  slug: string
  type: string
  visibility: string
  bio: string
  storageGib: string
}

/** ORG-2: a new org's draft also names its owner (the API takes the owner's username). */
export interface NewOrgDraft extends OrgDraft {
  owner: string
}

export type OrgField = 'name' | 'slug' | 'owner' | 'bio' | 'storageGib'
export type OrgProblems = Partial<Record<OrgField, string>>

const BIO_MAX = 2000

/** The API's org rules as messages to show next to each field; empty when the draft is valid. */
export function orgDraftProblems(draft: OrgDraft): OrgProblems {
  const problems: OrgProblems = {}
  const name = draft.name.trim()
  if (name.length < 2 || name.length > 120) problems.name = 'The name needs 2 to 120 characters.'
  const slug = draft.slug.trim()
  if (slug === '') problems.slug = 'Give the org a slug, e.g. "bath-rfc": it appears in its links.'
  else if (!SLUG_RULE.test(slug)) {
    problems.slug =
      'The slug uses lowercase letters, digits and dashes (up to 48), and starts and ends with a letter or digit.'
  }
  if (gibToBytes(draft.storageGib) === null) {
    problems.storageGib = `The storage limit is a number of GiB from 0 to ${MAX_GIB}, e.g. 10 or 0.5.`
  }
  if (draft.bio.trim().length > BIO_MAX) {
    problems.bio = `The bio is too long: keep it under ${BIO_MAX} characters.`
  }
  return problems
}

/**
 * An org as the edit form last saw it: an `admin/orgs` row, whose list does not carry the bio
 * (so a bio the form never saw is only replaced, never cleared). Type and visibility are compared
 * with the form's draft, which holds them as plain text.
 */
export type OrgBefore = Pick<AdminOrg, 'name' | 'slug' | 'storage_limit_bytes'> & {
  type: string
  visibility?: string | null
  bio?: string | null
}

/** Checks a draft and returns only the fields that changed (the PATCH is strict), or a problem. */
export function orgPatch(
  before: OrgBefore,
  draft: OrgDraft,
): { patch: Record<string, unknown> } | { problem: string } {
  const first = Object.values(orgDraftProblems(draft))[0]
  if (first) return { problem: first }
  const name = draft.name.trim()
  const slug = draft.slug.trim()
  const bytes = gibToBytes(draft.storageGib) as number
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

/** A new org's problems: the org rules plus an owner named by a plausible username. */
export function newOrgDraftProblems(draft: NewOrgDraft): OrgProblems {
  const problems = orgDraftProblems(draft)
  const owner = usernameOf(draft.owner)
  if (owner === '') problems.owner = 'Choose the owner: type part of their username or name.'
  else if (!USERNAME_RULE.test(owner)) {
    problems.owner =
      'That is not a username (3 to 24 lowercase letters, digits, dots, dashes or underscores). Pick one from the matches.'
  }
  return problems
}

/** The body of `POST admin/orgs` (ORG-2): every field the form holds, or a message per bad field. */
export function newOrgBody(
  draft: NewOrgDraft,
): { body: Record<string, unknown> } | { problems: OrgProblems } {
  const problems = newOrgDraftProblems(draft)
  if (Object.keys(problems).length > 0) return { problems }
  const bio = draft.bio.trim()
  return {
    body: {
      name: draft.name.trim(),
      slug: draft.slug.trim(),
      ownerUsername: usernameOf(draft.owner),
      type: draft.type,
      visibility: draft.visibility,
      ...(bio ? { bio } : {}),
      storageLimitBytes: gibToBytes(draft.storageGib),
    },
  }
}

/** The parts of an ApiError the org forms read (kept structural so this module stays pure). */
export interface ServerRefusal {
  code: string
  fieldErrors: Record<string, string[]>
}

export const SLUG_TAKEN_MESSAGE = 'Another organization already uses that slug. Choose another.'
export const OWNER_NOT_FOUND_MESSAGE =
  'No user has that username. They need an account before they can own an org.'

// The API's body fields → the form fields that hold them.
const SERVER_FIELDS: Record<string, OrgField> = {
  name: 'name',
  slug: 'slug',
  ownerUsername: 'owner',
  bio: 'bio',
  storageLimitBytes: 'storageGib',
}

/**
 * A refused create or edit as messages for the fields at fault; empty when the refusal is about
 * none of them, so the caller shows it for the whole form. A unique-key conflict can only be the
 * slug (the one unique column an admin sets), so it counts as "slug taken" when a slug was sent.
 */
export function orgServerProblems(refusal: ServerRefusal, slugSent: boolean): OrgProblems {
  const problems: OrgProblems = {}
  for (const [key, messages] of Object.entries(refusal.fieldErrors)) {
    const field = SERVER_FIELDS[key]
    if (field && messages[0]) problems[field] = messages[0]
  }
  if (refusal.code === 'SLUG_TAKEN' || (refusal.code === 'CONFLICT' && slugSent)) {
    problems.slug = SLUG_TAKEN_MESSAGE
  }
  if (refusal.code === 'USER_NOT_FOUND') problems.owner = OWNER_NOT_FOUND_MESSAGE
  return problems
}

/** The server's messages that still apply: those whose field the admin has not changed since. */
export function unchangedProblems<D extends OrgDraft>(
  problems: OrgProblems,
  sent: D,
  now: D,
): OrgProblems {
  const before = sent as unknown as Partial<Record<OrgField, string>>
  const after = now as unknown as Partial<Record<OrgField, string>>
  const kept: OrgProblems = {}
  for (const [field, message] of Object.entries(problems) as [OrgField, string][]) {
    if (before[field] === after[field]) kept[field] = message
  }
  return kept
}
