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

Deno.test('unknown route 404, wrong method 405, preflight 204, all with the envelope', async () => {
  const missing = await call('/nope/deeper')
  assert.equal(missing.status, 404)
  assert.equal((await missing.json()).error.code, 'NOT_FOUND')
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
