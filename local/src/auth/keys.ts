import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose'

export interface AccessClaims extends JWTPayload {
  sub: string
  aud: string
  role: string
  email: string
  session_id: string
  aal: 'aal1'
  app_metadata: Record<string, unknown>
  user_metadata: Record<string, unknown>
  is_anonymous: boolean
}

export interface SigningKeys {
  kid: string
  jwks: { keys: JWK[] }
  sign(claims: Omit<AccessClaims, 'iss' | 'iat' | 'exp'>, lifetimeSeconds: number): Promise<string>
  verify(token: string): Promise<AccessClaims>
}

interface StoredKeys {
  kid: string
  privateJwk: JWK
  publicJwk: JWK
}

/**
 * ES256 signing keys, created once and kept in `<dataDir>/auth-keys.json` so tokens survive a
 * restart. `path` undefined keeps them in memory (ephemeral test platforms).
 */
export async function loadSigningKeys(
  path: string | undefined,
  issuer: string,
): Promise<SigningKeys> {
  let stored: StoredKeys
  if (path && existsSync(path)) {
    stored = JSON.parse(readFileSync(path, 'utf8')) as StoredKeys
  } else {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const kid = randomUUID()
    stored = {
      kid,
      privateJwk: { ...(await exportJWK(pair.privateKey)), kid, alg: 'ES256' },
      publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' },
    }
    if (path) writeFileSync(path, JSON.stringify(stored, null, 2), { mode: 0o600 })
  }
  const privateKey = (await importJWK(stored.privateJwk, 'ES256')) as CryptoKey
  const publicKey = (await importJWK(stored.publicJwk, 'ES256')) as CryptoKey
  const publicJwk: JWK = {
    kty: stored.publicJwk.kty,
    crv: stored.publicJwk.crv,
    x: stored.publicJwk.x,
    y: stored.publicJwk.y,
    kid: stored.kid,
    alg: 'ES256',
    use: 'sig',
    key_ops: ['verify'],
  }

  return {
    kid: stored.kid,
    jwks: { keys: [publicJwk] },
    async sign(claims, lifetimeSeconds) {
      const now = Math.floor(Date.now() / 1000)
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: stored.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetimeSeconds)
        .sign(privateKey)
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer,
        audience: 'authenticated',
        algorithms: ['ES256'],
      })
      return payload as AccessClaims
    },
  }
}
