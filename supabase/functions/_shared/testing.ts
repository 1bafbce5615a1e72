// Helpers for integration tests against a running platform (local/src/test-functions.ts boots
// one and passes its env). Tests that need it are ignored when SUPABASE_DB_URL is absent, so
// `deno test` of the pure modules still works on its own.
import assert from 'node:assert/strict'
import { env, publishableKeys } from './env.ts'

export const platformAvailable =
  env('SUPABASE_URL') !== undefined && env('SUPABASE_DB_URL') !== undefined

/** Deno.test options of an integration test: skipped without a platform; pools outlive a test. */
export const integration = {
  ignore: !platformAvailable,
  sanitizeResources: false,
  sanitizeOps: false,
}

/** An integration test (see `integration`): `Deno.test` against the running platform. */
export function integrationTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ ...integration, name, fn })
}

export interface TestUser {
  id: string
  email: string
  token: string
}

let counter = 0
const runId = crypto.randomUUID().slice(0, 8)

export function uniqueName(prefix: string): string {
  counter++
  return `${prefix}${runId}${counter}`
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 24)
}

export async function signUp(label = 'user'): Promise<TestUser> {
  const username = uniqueName(label.slice(0, 8))
  const email = `${username}@test.rugbycodex.local`
  const res = await fetch(`${env('SUPABASE_URL')}/auth/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: publishableKeys()[0] ?? '' },
    body: JSON.stringify({
      email,
      password: 'Correct-Horse-Battery-9',
      data: { username, name: `Test ${label}` },
    }),
  })
  const body = await res.json()
  if (!res.ok || !body.access_token) {
    throw new Error(`signup failed: ${res.status} ${JSON.stringify(body)}`)
  }
  return { id: body.user.id, email, token: body.access_token }
}

/** One user per label, signed up in order: `const [a, b] = await signUps('coach', 'player')`. */
export async function signUps<const L extends readonly string[]>(
  ...labels: L
): Promise<{ [K in keyof L]: TestUser }> {
  const users: TestUser[] = []
  for (const label of labels) users.push(await signUp(label))
  return users as { [K in keyof L]: TestUser }
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number
  body: T
  headers: Headers
}

/**
 * Calls `/functions/v1/<path>` through the gateway, as the SPA does: supabase-js sends the
 * publishable key in `apikey` on every invoke (`apikey: null` sends none, as curl or a crawler).
 */
// deno-lint-ignore no-explicit-any -- response bodies are arbitrary JSON shaped by each test
export async function api<T = any>(
  path: string,
  options: {
    token?: string
    method?: string
    body?: unknown
    rawBody?: BodyInit
    headers?: Record<string, string>
    apikey?: string | null
  } = {},
): Promise<ApiResult<T>> {
  const apikey = options.apikey === undefined ? publishableKeys()[0] : options.apikey
  const headers: Record<string, string> = {
    ...(apikey ? { apikey } : {}),
    ...(options.headers ?? {}),
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: BodyInit | undefined = options.rawBody
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  const res = await fetch(`${env('SUPABASE_URL')}/functions/v1/${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // playlists and other text bodies stay strings
  }
  return { status: res.status, body: parsed as T, headers: res.headers }
}

/** Creates an org owned by `owner` and adds the others with the given roles (service step). */
export async function createOrg(
  owner: TestUser,
  name = 'Test Club',
): Promise<{ id: string; slug: string }> {
  const res = await api('orgs', { token: owner.token, body: { name, type: 'team' } })
  if (res.status !== 201)
    throw new Error(`create org failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.org
}

/** Direct database access for arranging test state (roles, limits) the API has no call for yet. */
export async function serviceSql<T>(fn: (sql: import('./db.ts').Sql) => Promise<T>): Promise<T> {
  const { primary } = await import('./db.ts')
  return await fn(primary())
}

export async function addMember(orgId: string, user: TestUser, role: string): Promise<void> {
  await serviceSql(
    (sql) => sql`insert into public.org_members (org_id, user_id, role)
                 values (${orgId}, ${user.id}, ${role}::public.org_role)
                 on conflict (org_id, user_id) do update set role = excluded.role`,
  )
}

/** A transcoded, playable match as the worker leaves it (a service step); returns its id. */
export async function insertMatch(
  orgId: string,
  uploader: TestUser,
  match: { name: string; fileName: string; durationSeconds: number },
): Promise<string> {
  const { uuidv7 } = await import('./ids.ts')
  const id = uuidv7()
  await serviceSql(
    (sql) => sql`insert into public.media_assets (id, org_id, uploaded_by, name, kind, status,
      file_name, content_type, size_bytes, storage_prefix, original_key, duration_seconds, playable)
      values (${id}, ${orgId}, ${uploader.id}, ${match.name}, 'match', 'complete', ${match.fileName},
        'video/mp4', 10, ${`orgs/${orgId}/media/${id}/`},
        ${`orgs/${orgId}/media/${id}/original/source.mp4`}, ${match.durationSeconds}, true)`,
  )
  return id
}

/** A segment of the match cut through the API by `by` (it must be created); returns its id. */
export async function cutSegment(
  by: TestUser,
  mediaAssetId: string,
  startSeconds: number,
  endSeconds: number,
): Promise<string> {
  const res = await api('segments', {
    token: by.token,
    body: { mediaAssetId, startSeconds, endSeconds },
  })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body.segment.id
}

export interface ClubFixture {
  coach: TestUser
  player: TestUser
  outsider: TestUser
  orgId: string
  mediaId: string
}

/**
 * The usual cast of an integration test: a coach who owns a club, a player who is a member, an
 * outsider (with a club of their own when `outsiderClub` is given) and one match of the club.
 */
export async function clubWithMatch(options: {
  prefix: string
  club: string
  outsiderClub?: string
  match: { name: string; fileName: string; durationSeconds: number }
}): Promise<ClubFixture> {
  const coach = await signUp(`${options.prefix}coach`)
  const player = await signUp(`${options.prefix}player`)
  const outsider = await signUp(`${options.prefix}out`)
  const orgId = (await createOrg(coach, options.club)).id
  await addMember(orgId, player, 'member')
  if (options.outsiderClub) await createOrg(outsider, options.outsiderClub)
  const mediaId = await insertMatch(orgId, coach, options.match)
  return { coach, player, outsider, orgId, mediaId }
}

/** `clubWithMatch`, made once per test file on first use and shared by its tests. */
export function lazyClub(options: Parameters<typeof clubWithMatch>[0]): () => Promise<ClubFixture> {
  let made: Promise<ClubFixture> | undefined
  return () => (made ??= clubWithMatch(options))
}
