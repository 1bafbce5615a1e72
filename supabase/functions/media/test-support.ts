// Shared by the media integration tests (`*.test.ts` beside this file): the cast, and parts
// PUT like the SPA does. Run by `npm run test:functions` against the embedded platform.
import assert from 'node:assert/strict'
import {
  addMember,
  createOrg,
  platformAvailable,
  signUp,
  type TestUser,
} from '../_shared/testing.ts'

export const MiB = 1024 * 1024
export const opts = { ignore: !platformAvailable, sanitizeResources: false, sanitizeOps: false }

export interface Cast {
  coach: TestUser
  player: TestUser
  outsider: TestUser
  org: { id: string }
  otherOrg: { id: string }
}

let cast: Cast | undefined

/** A coach's club with a player in it, and an outsider with a club of their own. */
export async function setup(): Promise<Cast> {
  if (cast) return cast
  const coach = await signUp('coach')
  const player = await signUp('player')
  const outsider = await signUp('outsider')
  const org = await createOrg(coach, 'Media Club')
  const otherOrg = await createOrg(outsider, 'Other Club')
  await addMember(org.id, player, 'member')
  cast = { coach, player, outsider, org, otherOrg }
  return cast
}

export const etags = new Map<string, string>()

/** PUTs parts like the SPA does and remembers their ETags (sent on complete). */
export async function putParts(parts: Array<{ partNumber: number; url: string }>, sizes: number[]) {
  for (const part of parts) {
    const size = sizes[part.partNumber - 1]!
    const bytes = new Uint8Array(size).fill(part.partNumber)
    const res = await fetch(part.url, { method: 'PUT', body: bytes })
    const text = await res.text()
    assert.equal(res.status, 200, `part ${part.partNumber}: ${text}`)
    etags.set(part.url.split('?')[0]! + '#' + part.partNumber, res.headers.get('etag') ?? '')
  }
}

export function clientParts(key: string, count: number) {
  const url = `${Deno.env.get('S3_ENDPOINT')}/${Deno.env.get('S3_BUCKET') ?? 'media'}/${key}`
  const parts = []
  for (let n = 1; n <= count; n++) {
    const etag = etags.get(`${url}#${n}`)
    if (etag) parts.push({ partNumber: n, etag })
  }
  return { parts }
}
