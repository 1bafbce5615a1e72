// Integration: every function authenticates in code (PROD-1). Generated from the route tables, so
// a new route or a new function is covered without touching this file: each route that needs a
// user or the secret key answers 401 to no credentials, the publishable key and forged tokens,
// before it routes, and so does any unknown path of such a function (no 404 leaks which paths
// exist). Public routes answer without a user, with the credential they declare.
import assert from 'node:assert/strict'
import * as jose from 'jose'
import { env, publishableKeys, secretKeys } from './env.ts'
import type { AuthMode, Route } from './router.ts'
import { api, integrationTest, signUp, type TestUser } from './testing.ts'

/** Every deployed function (a folder with index.ts) and the route table its routes.ts exports. */
async function routeTables(): Promise<Map<string, Route[]>> {
  const root = new URL('../', import.meta.url)
  const tables = new Map<string, Route[]>()
  for await (const entry of Deno.readDir(root)) {
    if (!entry.isDirectory || entry.name.startsWith('_') || entry.name.startsWith('.')) continue
    try {
      await Deno.stat(new URL(`${entry.name}/index.ts`, root))
    } catch {
      continue
    }
    const module = await import(new URL(`${entry.name}/routes.ts`, root).href)
    const routes = Object.values(module).filter(
      (value): value is Route[] =>
        Array.isArray(value) && value.every((r) => typeof r?.pattern === 'string'),
    )
    assert.equal(routes.length, 1, `${entry.name}/routes.ts exports one route table`)
    tables.set(entry.name, routes[0]!)
  }
  return tables
}

const modesOf = (route: Route): AuthMode[] =>
  Array.isArray(route.auth) ? route.auth : [route.auth ?? 'user']
const needsCredentials = (route: Route) =>
  modesOf(route).every((mode) => mode === 'user' || mode === 'secret')

// A concrete path for a pattern; ids are UUIDs so that nothing but authentication can refuse them.
const ID = '01900000-0000-7000-8000-000000000000'
const pathOf = (route: Route) =>
  route.pattern
    .split('/')
    .map((part) => (part.startsWith(':') ? ID : part === '*' ? '360p/index.m3u8' : part))
    .join('/')
    .replace(/\/$/, '')

/**
 * Public routes, by design. A new public route fails here until it is added on purpose, with
 * the credential it takes: publishable (apikey, as supabase-js sends on every invoke) or the
 * signed playback token in the URL (hls.js and <video>/<track> cannot send headers).
 */
const PUBLIC: Record<string, AuthMode[]> = {
  'health GET /': ['none'],
  'me GET /username-available': ['publishable'],
  'waitlist POST /': ['publishable'],
  'media GET /:assetId/hls/*': ['token'],
  'media GET /:assetId/storyboard.vtt': ['token'],
}

/** Credentials that must never pass for a user: as sent by a signed-out SPA, a forger, a leak. */
async function badCredentials(): Promise<Record<string, Record<string, string>>> {
  const anon = publishableKeys()[0]!
  const jwks = await (await fetch(`${env('SUPABASE_URL')}/auth/v1/.well-known/jwks.json`)).json()
  const kid = jwks.keys[0].kid as string
  const stranger = await jose.generateKeyPair('ES256')
  const claims = {
    sub: crypto.randomUUID(),
    role: 'authenticated',
    aud: 'authenticated',
    email: 'forger@example.test',
  }
  // Perfect claims and the issuer's own kid, signed with someone else's key.
  const forgedEs256 = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(`${env('SUPABASE_URL')}/auth/v1`)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(stranger.privateKey)
  // Signed with the Supabase CLI's well-known default legacy secret.
  const forgedHs256 = await new jose.SignJWT({ ...claims, role: 'service_role' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('supabase-demo')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('super-secret-jwt-token-with-at-least-32-characters-long'))
  return {
    'no credentials': {},
    'publishable key as bearer': { authorization: `Bearer ${anon}`, apikey: anon },
    'forged ES256': { authorization: `Bearer ${forgedEs256}`, apikey: anon },
    'forged HS256': { authorization: `Bearer ${forgedHs256}`, apikey: anon },
    garbage: { authorization: 'Bearer not.a.jwt', apikey: anon },
  }
}

async function expect401(
  label: string,
  path: string,
  method: string,
  headers: Record<string, string>,
) {
  const res = await api(path, {
    method,
    headers,
    apikey: null,
    body: method === 'GET' || method === 'DELETE' ? undefined : {},
  })
  assert.equal(
    res.status,
    401,
    `${label}: ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`,
  )
  assert.equal(res.body?.error?.code, 'UNAUTHORIZED', `${label}: ${method} ${path}`)
  assert.ok(res.headers.get('x-request-id'), `${label}: ${method} ${path} has x-request-id`)
}

let user: TestUser

integrationTest(
  'PROD-1: every route that needs a user or the secret key answers 401 to bad credentials',
  async () => {
    const tables = await routeTables()
    assert.ok(tables.size >= 15, `found ${tables.size} functions`)
    const bad = await badCredentials()
    const secret = secretKeys()[0]!
    let checked = 0
    for (const [fn, routes] of tables) {
      for (const route of routes.filter(needsCredentials)) {
        const path = `${fn}${pathOf(route)}`
        for (const [label, headers] of Object.entries(bad)) {
          await expect401(label, path, route.method, headers)
        }
        if (!modesOf(route).includes('secret')) {
          // A secret key is for service calls, never a user session.
          await expect401('secret key as bearer', path, route.method, {
            authorization: `Bearer ${secret}`,
            apikey: secret,
          })
        }
        checked++
      }
    }
    assert.ok(checked > 80, `checked ${checked} routes`)
  },
)

integrationTest(
  'PROD-1: an unknown path of a function that needs a user is 401 before it is 404',
  async () => {
    user ??= await signUp('routeauth')
    const tables = await routeTables()
    const bad = await badCredentials()
    for (const [fn, routes] of tables) {
      if (!routes.some((route) => modesOf(route).includes('user'))) continue
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
        const path = `${fn}/no-such-endpoint/${ID}`
        for (const [label, headers] of Object.entries(bad)) {
          await expect401(label, path, method, headers)
        }
        // Signed in, the same path is an honest 404: authentication ran first.
        const res = await api(path, { method, token: user.token })
        assert.equal(res.status, 404, `${method} ${path} as a user → ${res.status}`)
        assert.equal(res.body.error.code, 'NOT_FOUND')
      }
    }
  },
)

integrationTest(
  'PROD-1: the public routes are exactly the declared ones, each with its credential',
  async () => {
    const tables = await routeTables()
    const found: Record<string, AuthMode[]> = {}
    for (const [fn, routes] of tables) {
      for (const route of routes.filter((r) => !needsCredentials(r))) {
        found[`${fn} ${route.method} ${route.pattern}`] = modesOf(route)
      }
    }
    assert.deepEqual(found, PUBLIC)
  },
)

integrationTest(
  'PROD-1: public routes answer without a user, and refuse without their credential',
  async () => {
    const anon = publishableKeys()[0]!
    // health: load balancers call it with nothing at all.
    const health = await api('health', { apikey: null })
    assert.equal(health.status, 200)
    assert.deepEqual(health.body, { ok: true })

    // Sign-up asks before an account exists: the publishable key, no user.
    const refused = await api('me/username-available?username=free-name-1', { apikey: null })
    assert.equal(refused.status, 401)
    assert.equal(refused.body.error.code, 'UNAUTHORIZED')
    const wrongKey = await api('me/username-available?username=free-name-1', {
      apikey: null,
      headers: { apikey: 'sb_publishable_guessed' },
    })
    assert.equal(wrongKey.status, 401)
    // supabase-js signed out: the publishable key in apikey and as the bearer.
    const asked = await api('me/username-available?username=free-name-1', { token: anon })
    assert.equal(asked.status, 200, JSON.stringify(asked.body))
    assert.deepEqual(asked.body, { available: true, valid: true })

    const email = `wl-${crypto.randomUUID().slice(0, 8)}@example.test`
    const noKey = await api('waitlist', { apikey: null, body: { email } })
    assert.equal(noKey.status, 401)
    const joined = await api('waitlist', { body: { email } })
    assert.equal(joined.status, 201, JSON.stringify(joined.body))

    // Playlists: the signed token in the URL is the credential; without one, 401 before lookup.
    const noToken = await api(`media/${ID}/hls/master.m3u8`, { apikey: null })
    assert.equal(noToken.status, 401)
    const badToken = await api(`media/${ID}/storyboard.vtt?token=1.x`, { apikey: null })
    assert.equal(badToken.status, 403)

    // An unknown path of an all-public function stays a plain 404 behind its credential.
    assert.equal((await api('waitlist/elsewhere', { apikey: null })).status, 401)
    assert.equal((await api('waitlist/elsewhere')).status, 404)
    assert.equal((await api('health/elsewhere', { apikey: null })).status, 404)
  },
)

integrationTest(
  'PROD-1: CORS preflights answer without credentials on every function',
  async () => {
    for (const fn of (await routeTables()).keys()) {
      const res = await api(`${fn}/anything`, {
        method: 'OPTIONS',
        apikey: null,
        headers: {
          origin: 'http://127.0.0.1:5173',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, apikey, content-type',
        },
      })
      assert.equal(res.status, 204, fn)
      assert.match(res.headers.get('access-control-allow-headers') ?? '', /apikey/)
      assert.ok(res.headers.get('x-request-id'))
    }
  },
)
