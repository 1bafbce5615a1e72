// Verifies the caller's access token. Asymmetric keys from the issuer's JWKS (ES256/RS256);
// the legacy HS256 secret only when SUPABASE_JWT_SECRET is configured.
import * as jose from 'jose'
import { env, jwksUrl, jwtIssuer } from './env.ts'
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

let jwks: { url: string; getKey: ReturnType<typeof jose.createRemoteJWKSet> } | undefined

function remoteKeys() {
  const url = jwksUrl()
  if (!jwks || jwks.url !== url) {
    // jose caches the set and refetches on an unknown kid (key rotation), at most every 30 s.
    jwks = {
      url,
      getKey: jose.createRemoteJWKSet(new URL(url), {
        cooldownDuration: 30_000,
        timeoutDuration: 5_000,
      }),
    }
  }
  return jwks.getKey
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.get('authorization')
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

export async function verifyAccessToken(token: string): Promise<Claims> {
  const anon = env('SUPABASE_ANON_KEY')
  if (anon && token === anon) throw unauthorized('The public key is not a user session.')
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
    if (header.alg === 'HS256') {
      const secret = env('SUPABASE_JWT_SECRET')
      if (!secret) throw unauthorized('This token type is not accepted.')
      ;({ payload } = await jose.jwtVerify(token, new TextEncoder().encode(secret), {
        ...options,
        algorithms: ['HS256'],
      }))
    } else {
      ;({ payload } = await jose.jwtVerify(token, remoteKeys(), {
        ...options,
        algorithms: ASYMMETRIC_ALGS,
      }))
    }
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
