import assert from 'node:assert/strict'
import { createRouter, functionPath } from './router.ts'
import { HttpError, json } from './http.ts'
import { setCacheBackend } from './cache.ts'
import { MemoryBackend } from './cache-backends.ts'

Deno.env.set('LOG_SILENT', 'true')

const handler = createRouter('media', [
  { method: 'GET', pattern: '/', auth: 'none', handler: () => json({ root: true }) },
  {
    method: 'GET',
    pattern: '/:id/hls/*',
    auth: 'none',
    handler: ({ params }) => json(params),
  },
  {
    method: 'POST',
    pattern: '/boom',
    auth: 'none',
    handler: () => {
      throw new Error('secret internals')
    },
  },
  {
    method: 'POST',
    pattern: '/teapot',
    auth: 'none',
    handler: () => {
      throw new HttpError(409, 'ALREADY_DONE', 'done')
    },
  },
  { method: 'GET', pattern: '/private', handler: () => json({ ok: true }) },
])

const call = (path: string, init: RequestInit = {}) =>
  handler(new Request(`http://127.0.0.1/functions/v1/media${path}`, init))

Deno.test('functionPath strips the local and the Supabase prefixes', () => {
  assert.equal(functionPath('/functions/v1/media/abc/playback', 'media'), '/abc/playback')
  assert.equal(functionPath('/media/abc', 'media'), '/abc')
  assert.equal(functionPath('/media', 'media'), '/')
  assert.equal(functionPath('/functions/v1/media', 'media'), '/')
})

Deno.test('routes match with params and a rest segment; every response has id + CORS', async () => {
  const res = await call('/abc/hls/360p/index.m3u8')
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { id: 'abc', rest: '360p/index.m3u8' })
  assert.ok(res.headers.get('x-request-id'))
  assert.equal(res.headers.get('access-control-allow-origin'), '*')
  const root = await call('')
  assert.deepEqual(await root.json(), { root: true })
})

Deno.test('a malformed %-escape in a path parameter is a 404, not a crash', async () => {
  const res = await call('/%E0%A4%A/hls/x')
  assert.equal(res.status, 404)
  assert.equal((await res.json()).error.code, 'NOT_FOUND')
})

Deno.test('unknown route 401 (a user route exists), wrong method 405, preflight 204', async () => {
  const missing = await call('/nope/deeper')
  assert.equal(missing.status, 401)
  assert.equal((await missing.json()).error.code, 'UNAUTHORIZED')
  const wrong = await call('/boom')
  assert.equal(wrong.status, 405)
  assert.equal((await wrong.json()).error.code, 'METHOD_NOT_ALLOWED')
  const preflight = await call('/anything', { method: 'OPTIONS' })
  assert.equal(preflight.status, 204)
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/)
  await preflight.body?.cancel()
})

Deno.test(
  'thrown HttpErrors keep their status; unexpected errors are 500 without internals',
  async () => {
    const conflict = await call('/teapot', { method: 'POST' })
    assert.equal(conflict.status, 409)
    assert.equal((await conflict.json()).error.code, 'ALREADY_DONE')
    const boom = await call('/boom', { method: 'POST', headers: { 'x-request-id': 'req-1' } })
    assert.equal(boom.status, 500)
    assert.equal(boom.headers.get('x-request-id'), 'req-1')
    const body = await boom.json()
    assert.equal(body.error.code, 'INTERNAL')
    assert.doesNotMatch(JSON.stringify(body), /secret internals/)
  },
)

Deno.test('routes needing a user answer 401 without a token', async () => {
  const res = await call('/private')
  assert.equal(res.status, 401)
  assert.equal((await res.json()).error.code, 'UNAUTHORIZED')
})

Deno.test('the public-route IP rate limit answers 429 with Retry-After', async () => {
  setCacheBackend(new MemoryBackend())
  Deno.env.set('RATE_LIMIT_ANON_IP_PER_MINUTE', '3')
  try {
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 5; i++) {
      const res = await call('', { headers: { 'x-forwarded-for': '203.0.113.9' } })
      statuses.push(res.status)
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after')
        assert.equal((await res.json()).error.code, 'RATE_LIMITED')
      } else await res.body?.cancel()
    }
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200])
    assert.equal(statuses[4], 429)
    assert.ok(Number(retryAfter) >= 1)
    // Another client is unaffected.
    const other = await call('', { headers: { 'x-forwarded-for': '203.0.113.10' } })
    assert.equal(other.status, 200)
    await other.body?.cancel()
  } finally {
    Deno.env.delete('RATE_LIMIT_ANON_IP_PER_MINUTE')
    setCacheBackend(undefined)
  }
})

Deno.test('bad-token floods are throttled per IP before authentication', async () => {
  setCacheBackend(new MemoryBackend())
  Deno.env.set('RATE_LIMIT_IP_PER_MINUTE', '2')
  try {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await call('/private', {
        headers: { 'x-forwarded-for': '198.51.100.7', authorization: 'Bearer forged' },
      })
      statuses.push(res.status)
      await res.body?.cancel()
    }
    assert.deepEqual(statuses, [401, 401, 429, 429])
  } finally {
    Deno.env.delete('RATE_LIMIT_IP_PER_MINUTE')
    setCacheBackend(undefined)
  }
})

// Key env is process-wide and later test modules read the platform's values: each test sets its
// own and restores them.
const KEY_ENV = [
  'SUPABASE_PUBLISHABLE_KEYS',
  'SUPABASE_SECRET_KEYS',
  'SUPABASE_ANON_KEY',
  'SUPABASE_SERVICE_ROLE_KEY',
]

async function withKeys(values: Record<string, string>, fn: () => Promise<void>) {
  const saved = KEY_ENV.map((k) => [k, Deno.env.get(k)] as const)
  for (const key of KEY_ENV) Deno.env.delete(key)
  for (const [key, value] of Object.entries(values)) Deno.env.set(key, value)
  setCacheBackend(new MemoryBackend())
  try {
    await fn()
  } finally {
    setCacheBackend(undefined)
    for (const [key, value] of saved) {
      if (value === undefined) Deno.env.delete(key)
      else Deno.env.set(key, value)
    }
  }
}

const modes = createRouter('narrations', [
  { method: 'GET', pattern: '/', handler: () => json({ user: true }) },
  { method: 'PATCH', pattern: '/:id', handler: () => json({ user: true }) },
  {
    method: 'GET',
    pattern: '/open/available',
    auth: 'publishable',
    handler: ({ authMode }) => json({ authMode }),
  },
  {
    method: 'POST',
    pattern: '/jobs/sweep',
    auth: ['secret', 'user'],
    handler: ({ authMode }) => json({ authMode }),
  },
  { method: 'GET', pattern: '/:id/hls/*', auth: 'token', handler: () => json({ token: true }) },
])

const hit = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  modes(new Request(`http://127.0.0.1/narrations${path}`, { method, headers }))

/** With these project keys set, a request with these headers gets this status. */
type KeyCase = [Record<string, string>, Record<string, string>, number]

/** Each case against one route; a 200 must name the auth mode the route accepted. */
async function expectKeyCases(method: string, path: string, mode: string, cases: KeyCase[]) {
  for (const [env, headers, expected] of cases) {
    await withKeys(env, async () => {
      const res = await hit(path, headers, method)
      assert.equal(res.status, expected, `${JSON.stringify(env)} ${JSON.stringify(headers)}`)
      if (expected === 200) assert.deepEqual(await res.json(), { authMode: mode })
      else await status(res)
    })
  }
}

async function status(res: Response): Promise<number> {
  if (res.status === 401) {
    assert.equal((await res.json()).error.code, 'UNAUTHORIZED')
    assert.ok(res.headers.get('x-request-id'))
  } else await res.body?.cancel()
  return res.status
}

const NEW_KEYS = {
  SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({
    default: 'sb_publishable_new',
    web: 'sb_publishable_web',
  }),
  SUPABASE_SECRET_KEYS: JSON.stringify({ default: 'sb_secret_new', cron: 'sb_secret_cron' }),
}
const LEGACY_KEYS = {
  SUPABASE_ANON_KEY: 'legacy-anon-key',
  SUPABASE_SERVICE_ROLE_KEY: 'legacy-service-role-key',
}

Deno.test('a path no route answers is 401 before it is 404 or 405, whatever public key comes', () =>
  withKeys(NEW_KEYS, async () => {
    const variants: Record<string, string>[] = [
      {},
      { apikey: 'sb_publishable_new' },
      { apikey: 'sb_secret_new' },
    ]
    for (const headers of variants) {
      assert.equal(await status(await hit('/nope/deeper', headers)), 401)
      assert.equal(await status(await hit('/nope', headers, 'DELETE')), 401)
      // /:id exists for PATCH only: the wrong method is not told apart either.
      assert.equal(await status(await hit(`/${crypto.randomUUID()}`, headers)), 401)
    }
    // A path whose only route is public says 405 to the publishable key, and 401 without it.
    assert.equal(
      await status(await hit('/open/available', { apikey: 'sb_publishable_new' }, 'POST')),
      405,
    )
    assert.equal(await status(await hit('/open/available', {}, 'POST')), 401)
    const preflight = await hit('/nope/deeper', {}, 'OPTIONS')
    assert.equal(preflight.status, 204)
    assert.ok(preflight.headers.get('x-request-id'))
    await preflight.body?.cancel()
  }),
)

Deno.test(
  'publishable routes take any publishable key in apikey, current or legacy names',
  async () => {
    const cases: KeyCase[] = [
      [NEW_KEYS, { apikey: 'sb_publishable_new' }, 200],
      [NEW_KEYS, { apikey: 'sb_publishable_web' }, 200],
      // supabase-js signed out: the key in apikey and as the bearer.
      [NEW_KEYS, { apikey: 'sb_publishable_new', authorization: 'Bearer sb_publishable_new' }, 200],
      [NEW_KEYS, { authorization: 'Bearer sb_publishable_new' }, 401],
      [NEW_KEYS, { apikey: 'sb_publishable_guessed' }, 401],
      [NEW_KEYS, { apikey: 'sb_secret_new' }, 401],
      [NEW_KEYS, {}, 401],
      [LEGACY_KEYS, { apikey: 'legacy-anon-key' }, 200],
      [LEGACY_KEYS, { apikey: 'sb_publishable_new' }, 401],
      [{ ...NEW_KEYS, ...LEGACY_KEYS }, { apikey: 'legacy-anon-key' }, 200],
      [{ SUPABASE_PUBLISHABLE_KEYS: '{not json' }, { apikey: '{not json' }, 401],
    ]
    await expectKeyCases('GET', '/open/available', 'publishable', cases)
  },
)

Deno.test(
  'secret routes take a secret key in apikey or as the bearer, current or legacy names',
  async () => {
    const cases: KeyCase[] = [
      [NEW_KEYS, { apikey: 'sb_secret_new' }, 200],
      [NEW_KEYS, { apikey: 'sb_secret_cron' }, 200],
      [NEW_KEYS, { authorization: 'Bearer sb_secret_new' }, 200],
      [NEW_KEYS, { apikey: 'sb_secret_new', authorization: 'Bearer sb_secret_new' }, 200],
      [LEGACY_KEYS, { authorization: 'Bearer legacy-service-role-key' }, 200],
      [LEGACY_KEYS, { apikey: 'legacy-service-role-key' }, 200],
      [NEW_KEYS, { apikey: 'sb_publishable_new' }, 401],
      [NEW_KEYS, { authorization: 'Bearer sb_publishable_new', apikey: 'sb_publishable_new' }, 401],
      [NEW_KEYS, { apikey: 'sb_secret_guessed' }, 401],
      [NEW_KEYS, { authorization: 'Bearer legacy-service-role-key' }, 401],
      [LEGACY_KEYS, { apikey: 'sb_secret_new' }, 401],
      [NEW_KEYS, {}, 401],
      [{ SUPABASE_SECRET_KEYS: '["sb_secret_new"]' }, { apikey: 'sb_secret_new' }, 401],
    ]
    await expectKeyCases('POST', '/jobs/sweep', 'secret', cases)
  },
)

Deno.test('an API key is never a user session, and a token route needs its token', () =>
  withKeys({ ...NEW_KEYS, ...LEGACY_KEYS }, async () => {
    for (const key of [
      'sb_publishable_new',
      'sb_secret_new',
      'legacy-anon-key',
      'legacy-service-role-key',
    ]) {
      assert.equal(
        await status(await hit('/', { authorization: `Bearer ${key}`, apikey: key })),
        401,
      )
    }
    assert.equal(await status(await hit('/x/hls/360p/index.m3u8')), 401)
    assert.equal(await status(await hit('/x/hls/360p/index.m3u8?token=')), 401)
    assert.equal(await status(await hit('/x/hls/360p/index.m3u8?token=1.abc')), 200)
  }),
)
