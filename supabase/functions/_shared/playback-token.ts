// Short-lived playback tokens: HMAC(PLAYBACK_TOKEN_SECRET, assetId + expiry). hls.js fetches
// playlists without an Authorization header, so the token in the URL is the credential; it binds
// one asset and expires, and nothing about it can be derived from the asset id alone.
import { requireEnv } from './env.ts'

export const PLAYBACK_TOKEN_SECONDS = 3600

const encoder = new TextEncoder()
let keyCache: { secret: string; key: CryptoKey } | undefined

async function hmacKey(): Promise<CryptoKey> {
  const secret = requireEnv('PLAYBACK_TOKEN_SECRET')
  if (!keyCache || keyCache.secret !== secret) {
    const key = await crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )
    keyCache = { secret, key }
  }
  return keyCache.key
}

function b64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(s, (c) => c.charCodeAt(0))
}

export async function signPlaybackToken(
  assetId: string,
  now = Date.now(),
  ttlSeconds = PLAYBACK_TOKEN_SECONDS,
): Promise<{ token: string; expiresAt: Date }> {
  const exp = Math.floor(now / 1000) + ttlSeconds
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(), encoder.encode(`${assetId}.${exp}`))
  return { token: `${exp}.${b64url(new Uint8Array(sig))}`, expiresAt: new Date(exp * 1000) }
}

/** True only for an unexpired token minted for this asset. */
export async function verifyPlaybackToken(
  assetId: string,
  token: string | null,
  now = Date.now(),
): Promise<boolean> {
  if (!token) return false
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!match) return false
  const exp = Number(match[1])
  if (exp * 1000 <= now) return false
  const sig = fromB64url(match[2]!)
  if (!sig) return false
  // crypto.subtle.verify compares in constant time.
  return await crypto.subtle.verify(
    'HMAC',
    await hmacKey(),
    sig,
    encoder.encode(`${assetId}.${exp}`),
  )
}
