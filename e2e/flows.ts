import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import postgres from 'postgres'
import { expect, inject } from 'vitest'
import { uniqueUser } from './browser'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The platform's Postgres, for the one step with no UI: making a platform admin. */
    dbUrl: string
  }
}

// Set-up shortcuts over the HTTP API. Only the scene is built here; what a test checks is always
// driven through the SPA.

export const ANON_KEY = 'sb_publishable_rugbycodex_local'

/** What global-setup provides every file: the platform's URLs and the artifacts folder. */
export const provided = () => ({
  spaUrl: inject('spaUrl'),
  apiUrl: inject('apiUrl'),
  dbUrl: inject('dbUrl'),
  artifacts: inject('artifactsDir'),
})

export interface ApiUser extends ReturnType<typeof uniqueUser> {
  id: string
  token: string
}

export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`)
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text()
  try {
    return text ? JSON.parse(text) : null
  } catch {
    return text
  }
}

export async function signUpApi(apiUrl: string, prefix: string): Promise<ApiUser> {
  const user = uniqueUser(prefix)
  const res = await fetch(`${apiUrl}/auth/v1/signup`, {
    method: 'POST',
    headers: { apikey: ANON_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({
      email: user.email,
      password: user.password,
      data: { username: user.username, name: user.name },
    }),
  })
  const body = (await readBody(res)) as {
    access_token?: string
    user?: { id: string }
    session?: { access_token: string; user: { id: string } }
  }
  if (!res.ok) throw new HttpFailure(res.status, body, 'sign-up')
  const token = body.access_token ?? body.session?.access_token
  const id = body.user?.id ?? body.session?.user.id
  if (!token || !id) throw new Error(`sign-up returned no session: ${JSON.stringify(body)}`)
  return { ...user, id, token }
}

/** One edge-function call; answers status and parsed body without throwing. */
export async function callFn(
  apiUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${apiUrl}/functions/v1/${path}`, {
    method,
    headers: {
      apikey: ANON_KEY,
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: await readBody(res) }
}

export async function fn<T>(
  apiUrl: string,
  user: ApiUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await callFn(apiUrl, user.token, method, path, body)
  if (res.status >= 300) throw new HttpFailure(res.status, res.body, `${method} ${path}`)
  return res.body as T
}

export async function createOrgApi(apiUrl: string, owner: ApiUser, name: string) {
  const { org } = await fn<{ org: { id: string; name: string } }>(apiUrl, owner, 'POST', 'orgs', {
    name,
    type: 'team',
  })
  return org
}

export interface Club {
  coach: ApiUser
  player: ApiUser
  orgId: string
  orgName: string
}

/**
 * A coach who founds `<label> <coach's username>`, and a second user (`player` unless named
 * otherwise) who is a member of it unless `member: false` (they join later, in the test).
 */
export async function createClub(
  apiUrl: string,
  label: string,
  options: { other?: string; member?: boolean } = {},
): Promise<Club> {
  const coach = await signUpApi(apiUrl, 'coach')
  const player = await signUpApi(apiUrl, options.other ?? 'player')
  const orgName = `${label} ${coach.username}`
  const orgId = (await createOrgApi(apiUrl, coach, orgName)).id
  if (options.member ?? true) await addMemberApi(apiUrl, coach, orgId, player)
  return { coach, player, orgId, orgName }
}

/** A staff+ user adds `member` by username with a role (ORG-4). */
export async function addMemberApi(
  apiUrl: string,
  manager: ApiUser,
  orgId: string,
  member: ApiUser,
  role: 'member' | 'staff' = 'member',
) {
  await fn(apiUrl, manager, 'POST', `orgs/${orgId}/members`, { username: member.username, role })
}

/** Uploads a small file through the presigned multipart flow and waits until it is playable. */
export async function uploadMediaApi(
  apiUrl: string,
  user: ApiUser,
  orgId: string,
  file: string,
  name: string,
): Promise<{ id: string; name: string }> {
  const sizeBytes = statSync(file).size
  const plan = await fn<{
    asset: { id: string }
    partSize: number
    partCount: number
    parts: { partNumber: number; url: string }[]
  }>(apiUrl, user, 'POST', 'media/uploads', {
    orgId,
    fileName: basename(file),
    sizeBytes,
    contentType: 'video/mp4',
    name,
    kind: 'match',
  })
  const bytes = readFileSync(file)
  const done: { partNumber: number; etag: string }[] = []
  // Set-up files are small: every part URL comes in the first batch.
  expect(plan.parts).toHaveLength(plan.partCount)
  for (const part of plan.parts) {
    const from = (part.partNumber - 1) * plan.partSize
    const res = await fetch(part.url, {
      method: 'PUT',
      body: bytes.subarray(from, Math.min(sizeBytes, from + plan.partSize)),
    })
    if (!res.ok) throw new HttpFailure(res.status, await res.text(), `PUT part ${part.partNumber}`)
    done.push({ partNumber: part.partNumber, etag: res.headers.get('etag') ?? '' })
  }
  await fn(apiUrl, user, 'POST', `media/uploads/${plan.asset.id}/complete`, { parts: done })
  await waitFor(
    async () => {
      const { asset } = await fn<{ asset: { status: string; errorMessage?: string } }>(
        apiUrl,
        user,
        'GET',
        `media/${plan.asset.id}`,
      )
      if (asset.status === 'failed') throw new Error(`set-up upload failed: ${asset.errorMessage}`)
      return asset.status === 'complete'
    },
    180_000,
    `${name} to finish processing`,
  )
  return { id: plan.asset.id, name }
}

export async function createSegmentApi(
  apiUrl: string,
  user: ApiUser,
  mediaAssetId: string,
  startSeconds: number,
  endSeconds: number,
  title: string,
) {
  const { segment } = await fn<{ segment: { id: string } }>(apiUrl, user, 'POST', 'segments', {
    mediaAssetId,
    startSeconds,
    endSeconds,
    title,
  })
  return segment
}

export async function assignToPlayerApi(
  apiUrl: string,
  coach: ApiUser,
  orgId: string,
  player: ApiUser,
  segmentIds: string[],
  title: string,
) {
  const res = await fn<{ assignment?: { id: string }; id?: string }>(
    apiUrl,
    coach,
    'POST',
    'assignments',
    {
      orgId,
      title,
      targets: [{ type: 'player', userId: player.id }],
      segmentIds,
    },
  )
  return res
}

/** Polls `check` until it answers true (set-up only: hooks cannot use expect.poll). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

/**
 * Logs in through the SPA's form and waits until the app has left the login page. Each e2e boot
 * has new ports, so Vite re-optimizes its dependencies on the first page loads and may reload the
 * page; a reload empties the form (seen once as a "Log in" button that stayed disabled), so the
 * form is filled again until the click really signs in.
 */
export async function logIn(page: Page, spaUrl: string, user: { email: string; password: string }) {
  await page.goto(`${spaUrl}/login`)
  const email = page.getByLabel('Email')
  const password = page.getByLabel('Password', { exact: true })
  const submit = page.getByRole('button', { name: 'Log in' })
  for (let attempt = 1; ; attempt++) {
    if ((await email.inputValue()) !== user.email) await email.fill(user.email)
    if ((await password.inputValue()) !== user.password) await password.fill(user.password)
    try {
      // Short deadlines on purpose: a reloaded form is filled again rather than waited out.
      await submit.click({ timeout: 10_000 })
      await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 })
      return
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
}

export async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Log out' }).click()
  await page.waitForURL(/\/login/, { timeout: 30_000 })
}

/**
 * Keeps what a failed test's pages looked like (screenshot and visible text) next to the other
 * artifacts; browser tests that fail without a picture are hard to diagnose after the fact.
 */
export async function keepFailureEvidence(
  artifactsDir: string,
  testName: string,
  pages: Record<string, Page | undefined>,
  notes: string[] = [],
) {
  mkdirSync(artifactsDir, { recursive: true })
  const slug = testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)
  for (const [who, page] of Object.entries(pages)) {
    if (!page || page.isClosed()) continue
    const base = join(artifactsDir, `FAILED-${slug}-${who}`)
    await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined)
    const text = await page
      .evaluate(() => `${location.href}\n\n${document.body.innerText}`)
      .catch((e: unknown) => String(e))
    writeFileSync(`${base}.txt`, `${text}\n\n--- browser log ---\n${notes.join('\n')}`)
  }
}

/** Console errors and failed API answers of a page, for `keepFailureEvidence`. */
export function recordTrouble(page: Page, who: string, into: string[]) {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') into.push(`${who} console ${m.text()}`)
  })
  page.on('console', (m) => {
    if (m.text().startsWith('[vite]') && !/connect(ing|ed)/.test(m.text())) {
      into.push(`${who} ${m.text()}`)
    }
  })
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) into.push(`${who} at ${frame.url()}`)
  })
  page.on('requestfailed', (r) => into.push(`${who} failed ${r.method()} ${r.url()}`))
  page.on('response', (r) => {
    if (r.status() >= 400) into.push(`${who} ${r.status()} ${r.request().method()} ${r.url()}`)
  })
}

/**
 * Makes `user` a platform admin. There is deliberately no UI or API for this (platform roles live
 * in the database, never in user-editable data), so it is the one set-up step done in SQL.
 */
export async function makePlatformAdmin(dbUrl: string, user: ApiUser) {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} })
  try {
    const rows = await sql`
      update public.profiles set platform_role = 'admin' where id = ${user.id} returning id`
    if (rows.length !== 1) throw new Error(`no profile for ${user.username}`)
  } finally {
    await sql.end()
  }
}

/**
 * On the library page: picks a file in the upload input, as a coach does, and waits for its row to
 * reach "complete" (uploaded, transcoded, playable). Returns the row.
 */
export async function uploadInLibrary(page: Page, file: string): Promise<Locator> {
  await page.getByTestId('upload-input').setInputFiles(file)
  const name = basename(file).replace(/\.[^.]+$/, '')
  const row = page.getByTestId('media-row').filter({ hasText: name })
  await expect
    .poll(() => row.getAttribute('data-status'), { timeout: 180_000, interval: 1000 })
    .toBe('complete')
  return row
}
