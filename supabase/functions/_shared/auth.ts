// Authentication in code, since every function turns the platform's `verify_jwt` off (it accepts
// only legacy HS256 JWTs, not the ES256 tokens Supabase Auth signs). Three credentials, as in
// @supabase/server's auth modes:
// - a user: `Authorization: Bearer <access token>`, verified against the issuer's JWKS
//   (SUPABASE_JWKS when injected, else `${SUPABASE_URL}/auth/v1/.well-known/jwks.json`); HS256
//   only when the project's legacy secret is configured;
// - the publishable key in `apikey` (supabase-js sends it on every functions.invoke);
// - a secret key for service calls, in `apikey` or as the bearer (cron, pg_net).
import * as jose from 'jose'
import {
  inlineJwks,
  jwksUrl,
  jwtIssuer,
  legacyJwtSecret,
  publishableKeys,
  secretKeys,
} from './env.ts'
import { unauthorized } from './http.ts'

export interface Claims extends jose.JWTPayload {
  sub: string
  role: string
  email?: string
  aud: string | string[]
  session_id?: string
  app_metadata?: Record<string, unknown>
  user_metadata?: Record<string, unknown>
}

export interface AuthUser {
  id: string
  email?: string
  claims: Claims
}

const ASYMMETRIC_ALGS = ['ES256', 'RS256', 'EdDSA']

let remote: { url: string; getKey: ReturnType<typeof jose.createRemoteJWKSet> } | undefined
let local: { raw: string; getKey: ReturnType<typeof jose.createLocalJWKSet> } | undefined

function remoteKeys() {
  const url = jwksUrl()
  if (!remote || remote.url !== url) {
    // jose caches the set and refetches on an unknown kid (key rotation), at most every 30 s.
    remote = {
      url,
      getKey: jose.createRemoteJWKSet(new URL(url), {
        cooldownDuration: 30_000,
        timeoutDuration: 5_000,
      }),
    }
  }
  return remote.getKey
}

function localKeys() {
  const jwks = inlineJwks()
  if (!jwks) return undefined
  const raw = JSON.stringify(jwks)
  if (!local || local.raw !== raw) {
    local = { raw, getKey: jose.createLocalJWKSet(jwks as unknown as jose.JSONWebKeySet) }
  }
  return local.getKey
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.get('authorization')
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

export function apiKeyOf(req: Request): string | undefined {
  return req.headers.get('apikey')?.trim() || undefined
}

/** Constant-time comparison, so a key cannot be guessed byte by byte from response timings. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a)
  const y = new TextEncoder().encode(b)
  let diff = x.length ^ y.length
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return diff === 0
}

function isOneOf(value: string | undefined, keys: string[]): boolean {
  if (!value) return false
  // Every key is compared, so the answer takes as long whichever one matched.
  return keys.reduce((found, key) => timingSafeEqual(value, key) || found, false)
}

/** The request carries one of the project's publishable keys in `apikey`. */
export function hasPublishableKey(req: Request): boolean {
  return isOneOf(apiKeyOf(req), publishableKeys())
}

/** The request carries one of the project's secret keys, in `apikey` or as the bearer. */
export function hasSecretKey(req: Request): boolean {
  const keys = secretKeys()
  return isOneOf(apiKeyOf(req), keys) || isOneOf(bearerToken(req), keys)
}

/** A token that is an API key (new `sb_…` keys, or any configured key value), not a session. */
export function isApiKey(token: string): boolean {
  return token.startsWith('sb_') || isOneOf(token, [...publishableKeys(), ...secretKeys()])
}

async function verifyAsymmetric(token: string, options: jose.JWTVerifyOptions) {
  const inline = localKeys()
  if (inline) {
    try {
      return await jose.jwtVerify(token, inline, { ...options, algorithms: ASYMMETRIC_ALGS })
    } catch (err) {
      // A kid newer than the injected set (a rotation since deploy): the issuer's JWKS decides.
      if (!(err instanceof jose.errors.JWKSNoMatchingKey)) throw err
    }
  }
  return await jose.jwtVerify(token, remoteKeys(), { ...options, algorithms: ASYMMETRIC_ALGS })
}

async function verifyLegacy(
  token: string,
  kid: string | undefined,
  options: jose.JWTVerifyOptions,
) {
  const hs256 = { ...options, algorithms: ['HS256'] }
  const secret = legacyJwtSecret()
  if (secret) return await jose.jwtVerify(token, new TextEncoder().encode(secret), hs256)
  // The Supabase CLI injects the legacy secret into SUPABASE_JWKS as an `oct` key; jose's key
  // sets hold only asymmetric keys, so the secret is imported by hand.
  const oct = inlineJwks()?.keys.find(
    (key) => key.kty === 'oct' && (key.kid === undefined || key.kid === kid),
  )
  if (oct) return await jose.jwtVerify(token, await jose.importJWK(oct as jose.JWK, 'HS256'), hs256)
  throw unauthorized('This token type is not accepted.')
}

export async function verifyAccessToken(token: string): Promise<Claims> {
  if (isApiKey(token)) throw unauthorized('An API key is not a user session.')
  let header: jose.ProtectedHeaderParameters
  try {
    header = jose.decodeProtectedHeader(token)
  } catch {
    throw unauthorized('The access token is malformed.')
  }
  const options: jose.JWTVerifyOptions = {
    issuer: jwtIssuer(),
    audience: 'authenticated',
    requiredClaims: ['sub', 'exp'],
    clockTolerance: 5,
  }
  let payload: jose.JWTPayload
  try {
    ;({ payload } =
      header.alg === 'HS256'
        ? await verifyLegacy(token, header.kid, options)
        : await verifyAsymmetric(token, options))
  } catch (err) {
    if (err instanceof jose.errors.JWTExpired) throw unauthorized('Your session has expired.')
    if (err instanceof jose.errors.JOSEError) throw unauthorized('The access token is not valid.')
    throw err
  }
  // A token minted for the anon or service role is not a user session.
  if (payload.role !== 'authenticated' || typeof payload.sub !== 'string') {
    throw unauthorized('The access token is not a user session.')
  }
  return payload as Claims
}

export async function authenticate(req: Request): Promise<AuthUser> {
  const token = bearerToken(req)
  if (!token) throw unauthorized('Sign in to continue.')
  const claims = await verifyAccessToken(token)
  return { id: claims.sub, email: claims.email, claims }
}
