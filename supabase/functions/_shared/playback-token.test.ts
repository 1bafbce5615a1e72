import assert from 'node:assert/strict'
import { signPlaybackToken, verifyPlaybackToken } from './playback-token.ts'

const savedSecret = Deno.env.get('PLAYBACK_TOKEN_SECRET')
Deno.env.set('PLAYBACK_TOKEN_SECRET', 'test-playback-secret')
const asset = '0190a6f4-1111-7111-8111-111111111111'
const other = '0190a6f4-2222-7222-8222-222222222222'

Deno.test('a playback token is valid for its asset until it expires', async () => {
  const now = Date.now()
  const { token, expiresAt } = await signPlaybackToken(asset, now, 3600)
  assert.equal(await verifyPlaybackToken(asset, token, now), true)
  assert.equal(await verifyPlaybackToken(other, token, now), false)
  assert.equal(await verifyPlaybackToken(asset, token, expiresAt.getTime() + 1), false)
})

Deno.test('tampered, truncated or foreign tokens are refused', async () => {
  const { token } = await signPlaybackToken(asset)
  const [exp, sig] = token.split('.') as [string, string]
  assert.equal(await verifyPlaybackToken(asset, `${Number(exp) + 3600}.${sig}`), false)
  assert.equal(await verifyPlaybackToken(asset, `${exp}.${sig.slice(0, -2)}AA`), false)
  assert.equal(await verifyPlaybackToken(asset, `${exp}.`), false)
  assert.equal(await verifyPlaybackToken(asset, null), false)
  assert.equal(await verifyPlaybackToken(asset, 'garbage'), false)
  Deno.env.set('PLAYBACK_TOKEN_SECRET', 'another-secret')
  try {
    assert.equal(await verifyPlaybackToken(asset, token), false)
  } finally {
    Deno.env.set('PLAYBACK_TOKEN_SECRET', 'test-playback-secret')
  }
})

Deno.test('playback token tests: restore the platform secret', () => {
  if (savedSecret === undefined) Deno.env.delete('PLAYBACK_TOKEN_SECRET')
  else Deno.env.set('PLAYBACK_TOKEN_SECRET', savedSecret)
})
