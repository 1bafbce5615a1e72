import assert from 'node:assert/strict'
import * as jose from 'jose'
import { authenticate } from './auth.ts'
import { HttpError } from './http.ts'

const signing = await jose.generateKeyPair('ES256', { extractable: true })
const stranger = await jose.generateKeyPair('ES256', { extractable: true })
const jwk = { ...(await jose.exportJWK(signing.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }

// Env is process-wide and later test modules read the platform's values, so every test sets its
// own and restores them, against its own JWKS server (fetched exactly as in production).
const ENV_KEYS = [
  'SUPABASE_URL',
  'SUPABASE_ANON_KEY',
  'SUPABASE_SERVICE_ROLE_KEY',
  'SUPABASE_PUBLISHABLE_KEYS',
  'SUPABASE_SECRET_KEYS',
  'SUPABASE_JWKS',
  'SUPABASE_JWT_ISSUER',
  'SUPABASE_JWT_SECRET',
  'SB_JWT_ISSUER',
  'JWT_SECRET',
]
let base = ''
let jwksFetches = 0

/** Runs `fn` against an issuer whose JWKS endpoint serves `served` (404 when undefined). */
async function withJwks(fn: () => Promise<void>, served: jose.JWK[] | undefined = [jwk]) {
  jwksFetches = 0
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, (req) => {
    if (new URL(req.url).pathname !== '/auth/v1/.well-known/jwks.json' || !served) {
      return new Response('no', { status: 404 })
    }
    jwksFetches++
    return Response.json({ keys: served })
  })
  const saved = ENV_KEYS.map((k) => [k, Deno.env.get(k)] as const)
  for (const key of ENV_KEYS) Deno.env.delete(key)
  base = `http://127.0.0.1:${server.addr.port}`
  Deno.env.set('SUPABASE_URL', base)
  Deno.env.set('SUPABASE_ANON_KEY', 'sb_publishable_rugbycodex_local')
  try {
    await fn()
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) Deno.env.delete(key)
      else Deno.env.set(key, value)
    }
    await server.shutdown()
  }
}

const claims = {
  sub: '11111111-1111-4111-8111-111111111111',
  role: 'authenticated',
  email: 'coach@example.com',
}

function sign(
  overrides: Record<string, unknown> = {},
  opts: { key?: CryptoKey; kid?: string; exp?: string | number; aud?: string; iss?: string } = {},
) {
  return new jose.SignJWT({ ...claims, ...overrides })
    .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? `${base}/auth/v1`)
    .setAudience(opts.aud ?? 'authenticated')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '1h')
    .sign(opts.key ?? signing.privateKey)
}

const hs256 = (secret: string) =>
  new jose.SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(`${base}/auth/v1`)
    .setAudience('authenticated')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret))

const request = (token?: string) =>
  new Request('http://x/', token ? { headers: { authorization: `Bearer ${token}` } } : {})

async function assert401(token: string | undefined) {
  await assert.rejects(authenticate(request(token)), (err) => {
    assert.ok(err instanceof HttpError, String(err))
    assert.equal(err.status, 401)
    assert.equal(err.code, 'UNAUTHORIZED')
    return true
  })
}

Deno.test('a valid ES256 token from the issuer authenticates the user', () =>
  withJwks(async () => {
    const user = await authenticate(request(await sign()))
    assert.equal(user.id, claims.sub)
    assert.equal(user.claims.role, 'authenticated')
  }),
)

Deno.test('401 matrix: missing, malformed, expired, wrong key, none, audience, issuer, anon', () =>
  withJwks(async () => {
    await assert401(undefined)
    await assert401('not-a-jwt')
    await assert401(await sign({}, { exp: Math.floor(Date.now() / 1000) - 60 }))
    await assert401(await sign({}, { key: stranger.privateKey }))
    await assert401(await sign({}, { key: stranger.privateKey, kid: 'unknown' }))
    await assert401(await sign({}, { aud: 'someone-else' }))
    await assert401(await sign({}, { iss: 'https://evil.example/auth/v1' }))
    await assert401(await sign({ role: 'anon' }))
    await assert401(await sign({ role: 'service_role' }))
    await assert401('sb_publishable_rugbycodex_local')
    // alg "none": an unsigned token with otherwise perfect claims.
    const unsigned = new jose.UnsecuredJWT({ ...claims })
      .setIssuer(`${base}/auth/v1`)
      .setAudience('authenticated')
      .setExpirationTime('1h')
      .encode()
    await assert401(unsigned)
    // HS256 with a guessed secret is refused when no legacy secret is configured.
    await assert401(await hs256('super-secret-jwt-token-with-at-least-32-characters'))
  }),
)

Deno.test('legacy HS256 works only with the configured secret', () =>
  withJwks(async () => {
    const secret = 'legacy-secret-legacy-secret-legacy-secret'
    Deno.env.set('SUPABASE_JWT_SECRET', secret)
    assert.equal((await authenticate(request(await hs256(secret)))).id, claims.sub)
    await assert401(await hs256('wrong-secret-wrong-secret-wrong-secret'))
  }),
)

Deno.test(
  'legacy HS256 works with JWT_SECRET, the name a project secret can have in production',
  () =>
    withJwks(async () => {
      const secret = 'project-legacy-secret-project-legacy-secret'
      Deno.env.set('JWT_SECRET', secret)
      assert.equal((await authenticate(request(await hs256(secret)))).id, claims.sub)
      await assert401(await hs256('wrong-secret-wrong-secret-wrong-secret'))
    }),
)

Deno.test('SUPABASE_JWKS, as hosted injects it, is used before the JWKS endpoint', async () => {
  // The issuer's endpoint is down (404): only the inline set can verify the token.
  await withJwks(async () => {
    Deno.env.set('SUPABASE_JWKS', JSON.stringify({ keys: [jwk] }))
    assert.equal((await authenticate(request(await sign()))).id, claims.sub)
    await assert401(await sign({}, { key: stranger.privateKey }))
    // A bare array of keys is accepted too.
    Deno.env.set('SUPABASE_JWKS', JSON.stringify([jwk]))
    assert.equal((await authenticate(request(await sign()))).id, claims.sub)
    assert.equal(jwksFetches, 0)
  }, undefined)
})

Deno.test(
  'a kid newer than SUPABASE_JWKS (a rotation since deploy) is looked up at the issuer',
  async () => {
    const rotated = { ...(await jose.exportJWK(stranger.publicKey)), kid: 'k2', alg: 'ES256' }
    await withJwks(async () => {
      Deno.env.set('SUPABASE_JWKS', JSON.stringify({ keys: [jwk] }))
      const token = await sign({}, { key: stranger.privateKey, kid: 'k2' })
      assert.equal((await authenticate(request(token))).id, claims.sub)
      // The issuer does not vouch for a key it does not publish.
      await assert401(await sign({}, { key: signing.privateKey, kid: 'k2' }))
    }, [jwk, rotated])
  },
)

Deno.test('HS256 through an oct key in SUPABASE_JWKS (what the Supabase CLI injects)', () =>
  withJwks(async () => {
    const secret = 'cli-legacy-secret-cli-legacy-secret-cli-legacy'
    const oct = {
      kty: 'oct',
      k: btoa(secret).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
    }
    Deno.env.set('SUPABASE_JWKS', JSON.stringify({ keys: [jwk, oct] }))
    assert.equal((await authenticate(request(await hs256(secret)))).id, claims.sub)
    await assert401(await hs256('wrong-secret-wrong-secret-wrong-secret'))
  }),
)

Deno.test('the issuer is derived from SUPABASE_URL; SB_JWT_ISSUER overrides it', () =>
  withJwks(async () => {
    await assert401(await sign({}, { iss: 'https://auth.club.example/auth/v1' }))
    Deno.env.set('SB_JWT_ISSUER', 'https://auth.club.example/auth/v1')
    const user = await authenticate(
      request(await sign({}, { iss: 'https://auth.club.example/auth/v1' })),
    )
    assert.equal(user.id, claims.sub)
    await assert401(await sign())
  }),
)

Deno.test('API keys under the current and the legacy names are never a user session', () =>
  withJwks(async () => {
    Deno.env.delete('SUPABASE_ANON_KEY')
    Deno.env.set('SUPABASE_PUBLISHABLE_KEYS', JSON.stringify({ default: 'publishable-custom' }))
    Deno.env.set('SUPABASE_SECRET_KEYS', JSON.stringify({ default: 'secret-custom' }))
    Deno.env.set('SUPABASE_SERVICE_ROLE_KEY', 'legacy-service-role')
    for (const key of [
      'publishable-custom',
      'secret-custom',
      'legacy-service-role',
      'sb_secret_x',
    ]) {
      await assert401(key)
    }
  }),
)
