// Integration: the upload → complete → playback path through the gateway, against the embedded
// database and s3rver (run by `npm run test:functions`).
import assert from 'node:assert/strict'
import { PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3'
import { closePools } from '../_shared/db.ts'
import { bucket, headObject, s3 } from '../_shared/storage.ts'
import {
  addMember,
  api,
  createOrg,
  platformAvailable,
  serviceSql,
  signUp,
  type TestUser,
} from '../_shared/testing.ts'

const MiB = 1024 * 1024
const opts = { ignore: !platformAvailable, sanitizeResources: false, sanitizeOps: false }

let coach: TestUser, player: TestUser, outsider: TestUser
let org: { id: string }
let otherOrg: { id: string }

async function setup() {
  if (org) return
  coach = await signUp('coach')
  player = await signUp('player')
  outsider = await signUp('outsider')
  org = await createOrg(coach, 'Media Club')
  otherOrg = await createOrg(outsider, 'Other Club')
  await addMember(org.id, player, 'member')
}

const etags = new Map<string, string>()

/** PUTs parts like the SPA does and remembers their ETags (sent on complete). */
async function putParts(parts: Array<{ partNumber: number; url: string }>, sizes: number[]) {
  for (const part of parts) {
    const size = sizes[part.partNumber - 1]!
    const bytes = new Uint8Array(size).fill(part.partNumber)
    const res = await fetch(part.url, { method: 'PUT', body: bytes })
    const text = await res.text()
    assert.equal(res.status, 200, `part ${part.partNumber}: ${text}`)
    etags.set(part.url.split('?')[0]! + '#' + part.partNumber, res.headers.get('etag') ?? '')
  }
}

function clientParts(key: string, count: number) {
  const url = `${Deno.env.get('S3_ENDPOINT')}/${Deno.env.get('S3_BUCKET') ?? 'media'}/${key}`
  const parts = []
  for (let n = 1; n <= count; n++) {
    const etag = etags.get(`${url}#${n}`)
    if (etag) parts.push({ partNumber: n, etag })
  }
  return { parts }
}

async function usage(orgId: string) {
  return await serviceSql(async (sql) => {
    const [row] =
      await sql`select reserved_bytes::float8 as reserved, originals_bytes::float8 as originals
                            from public.org_storage_usage where org_id = ${orgId}`
    return row as { reserved: number; originals: number }
  })
}

Deno.test({
  ...opts,
  name: 'upload: create, resume, complete twice → one job; list and get; playback not ready',
  fn: async () => {
    await setup()
    const size = 10 * MiB + 12345
    const created = await api('media/uploads', {
      token: coach.token,
      body: {
        orgId: org.id,
        fileName: 'Final v Saints.MP4',
        sizeBytes: size,
        contentType: 'video/mp4',
        kind: 'match',
      },
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    assert.ok(created.headers.get('x-request-id'))
    const { asset, partSize, partCount, parts, key, uploadId } = created.body
    assert.equal(partSize, 10 * MiB)
    assert.equal(partCount, 2)
    assert.equal(parts.length, 2)
    assert.equal(key, `orgs/${org.id}/media/${asset.id}/original/source.mp4`)
    assert.ok(uploadId)
    assert.equal(asset.status, 'uploading')
    assert.equal(asset.name, 'Final v Saints')
    assert.equal((await usage(org.id)).reserved, size)

    await putParts(parts.slice(0, 1), [10 * MiB, 12345])
    const resumed = await api(`media/uploads/${asset.id}`, { token: coach.token })
    assert.equal(resumed.status, 200)
    assert.equal(resumed.body.partCount, 2)
    assert.deepEqual(
      resumed.body.uploadedParts.map((p: { partNumber: number; size: number }) => [
        p.partNumber,
        p.size,
      ]),
      [[1, 10 * MiB]],
    )
    assert.deepEqual(
      resumed.body.parts.map((p: { partNumber: number }) => p.partNumber),
      [2],
    )

    // Completing with a part missing is refused and loses nothing.
    const early = await api(`media/uploads/${asset.id}/complete`, {
      token: coach.token,
      body: clientParts(key, 2),
    })
    assert.equal(early.status, 400)
    assert.equal(early.body.error.code, 'UPLOAD_INCOMPLETE')

    await putParts(
      resumed.body.parts.filter((p: { partNumber: number }) => p.partNumber === 2),
      [10 * MiB, 12345],
    )
    const complete = { token: coach.token, body: clientParts(key, 2) }
    const [first, second] = await Promise.all([
      api(`media/uploads/${asset.id}/complete`, complete),
      api(`media/uploads/${asset.id}/complete`, complete),
    ])
    assert.equal(first.status, 200, JSON.stringify(first.body))
    assert.equal(second.status, 200, JSON.stringify(second.body))
    const third = await api(`media/uploads/${asset.id}/complete`, complete)
    assert.equal(first.body.job.id, second.body.job.id)
    assert.equal(first.body.job.id, third.body.job.id)
    assert.equal(third.body.asset.status, 'uploaded')
    assert.equal(third.body.job.type, 'transcode')
    const lateParts = await api(`media/uploads/${asset.id}/parts`, {
      token: coach.token,
      body: { partNumbers: [1] },
    })
    assert.equal(lateParts.status, 409)
    assert.equal(lateParts.body.error.code, 'UPLOAD_NOT_IN_PROGRESS')
    const jobs = await serviceSql(
      (sql) => sql`select count(*)::int as n from public.jobs where media_asset_id = ${asset.id}`,
    )
    assert.equal(jobs[0]!.n, 1)
    const after = await usage(org.id)
    assert.equal(after.reserved, 0)
    assert.equal(after.originals, size)

    const list = await api(`media?orgId=${org.id}`, { token: player.token })
    assert.equal(list.status, 200)
    assert.equal(list.body.total, 1)
    assert.equal(list.body.items[0].id, asset.id)
    assert.equal(list.body.pageSize, 50)
    assert.equal(list.body.items[0].original_key, undefined)
    const searched = await api(`media?orgId=${org.id}&q=saints&kind=match`, { token: player.token })
    assert.equal(searched.body.total, 1)
    const none = await api(`media?orgId=${org.id}&q=${encodeURIComponent('100%_')}`, {
      token: player.token,
    })
    assert.equal(none.body.total, 0)

    const got = await api(`media/${asset.id}`, { token: player.token })
    assert.equal(got.status, 200)
    assert.equal(got.body.asset.status, 'uploaded')

    const playback = await api(`media/${asset.id}/playback`, { token: player.token })
    assert.equal(playback.status, 200)
    assert.equal(playback.body.ready, false)
    assert.equal(playback.body.status, 'uploaded')
    assert.equal(playback.body.masterPlaylistUrl, undefined)
  },
})

Deno.test({
  ...opts,
  name: 'permissions: outsiders get 404, members cannot upload, nobody uploads into another org',
  fn: async () => {
    await setup()
    const created = await api('media/uploads', {
      token: coach.token,
      body: { orgId: org.id, fileName: 'perm.mp4', sizeBytes: 100, contentType: 'video/mp4' },
    })
    assert.equal(created.status, 201)
    const id = created.body.asset.id
    for (const path of [
      `media/${id}`,
      `media/${id}/playback`,
      `media/uploads/${id}`,
      `media?orgId=${org.id}`,
    ]) {
      const res = await api(path, { token: outsider.token })
      assert.equal(res.status, 404, `${path}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.error.code, 'NOT_FOUND')
      assert.doesNotMatch(JSON.stringify(res.body), /perm\.mp4/)
    }
    const outsiderParts = await api(`media/uploads/${id}/parts`, {
      token: outsider.token,
      body: { partNumbers: [1] },
    })
    assert.equal(outsiderParts.status, 404)
    const memberParts = await api(`media/uploads/${id}/parts`, {
      token: player.token,
      body: { partNumbers: [1] },
    })
    assert.equal(memberParts.status, 403)
    const complete = await api(`media/uploads/${id}/complete`, { token: outsider.token, body: {} })
    assert.equal(complete.status, 404)
    const abortByOutsider = await api(`media/uploads/${id}`, {
      token: outsider.token,
      method: 'DELETE',
    })
    assert.equal(abortByOutsider.status, 404)

    const memberUpload = await api('media/uploads', {
      token: player.token,
      body: { orgId: org.id, fileName: 'x.mp4', sizeBytes: 100, contentType: 'video/mp4' },
    })
    assert.equal(memberUpload.status, 403)
    assert.equal(memberUpload.body.error.code, 'FORBIDDEN')
    const memberAbort = await api(`media/uploads/${id}`, { token: player.token, method: 'DELETE' })
    assert.equal(memberAbort.status, 403)

    const intoOther = await api('media/uploads', {
      token: coach.token,
      body: { orgId: otherOrg.id, fileName: 'x.mp4', sizeBytes: 100, contentType: 'video/mp4' },
    })
    assert.equal(intoOther.status, 404)

    const aborted = await api(`media/uploads/${id}`, { token: coach.token, method: 'DELETE' })
    assert.equal(aborted.status, 204)
    assert.equal((await api(`media/${id}`, { token: coach.token })).status, 404)
  },
})

Deno.test({
  ...opts,
  name: 'size mismatch: 400, the upload is discarded and the reservation released',
  fn: async () => {
    await setup()
    const before = await usage(org.id)
    const created = await api('media/uploads', {
      token: coach.token,
      body: { orgId: org.id, fileName: 'short.mp4', sizeBytes: 5000, contentType: 'video/mp4' },
    })
    assert.equal(created.status, 201)
    assert.equal((await usage(org.id)).reserved, before.reserved + 5000)
    // The presigned URL is pinned to the declared 5000 bytes: storage itself refuses 4000.
    const short = await fetch(created.body.parts[0].url, {
      method: 'PUT',
      body: new Uint8Array(4000),
    })
    assert.equal(short.status, 403)
    assert.match(await short.text(), /SignatureDoesNotMatch/)
    // A client holding storage credentials could still store a short part; complete catches it.
    const { asset, key, uploadId } = created.body
    const stored = await s3().send(
      new UploadPartCommand({
        Bucket: bucket(),
        Key: key,
        UploadId: uploadId,
        PartNumber: 1,
        Body: new Uint8Array(4000),
      }),
    )
    etags.set(`${Deno.env.get('S3_ENDPOINT')}/${bucket()}/${key}#1`, stored.ETag ?? '')
    assert.ok(asset.id)
    const res = await api(`media/uploads/${created.body.asset.id}/complete`, {
      token: coach.token,
      body: clientParts(created.body.key, 1),
    })
    assert.equal(res.status, 400)
    assert.equal(res.body.error.code, 'UPLOAD_SIZE_MISMATCH')
    assert.equal((await usage(org.id)).reserved, before.reserved)
    assert.equal((await api(`media/${created.body.asset.id}`, { token: coach.token })).status, 404)
  },
})

Deno.test({
  ...opts,
  name: 'part URLs: first batch of 50 on create and resume, more on demand, each pinned to its length',
  fn: async () => {
    await setup()
    const club = await createOrg(coach, 'Batch Club')
    await addMember(club.id, player, 'member')
    const size = 120 * 10 * MiB + 5 // 121 parts, the last 5 bytes
    const created = await api('media/uploads', {
      token: coach.token,
      body: { orgId: club.id, fileName: 'long.mp4', sizeBytes: size, contentType: 'video/mp4' },
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const id: string = created.body.asset.id
    assert.equal(created.body.partCount, 121)
    const numbers = (parts: { partNumber: number }[]) => parts.map((p) => p.partNumber)
    assert.deepEqual(
      numbers(created.body.parts),
      Array.from({ length: 50 }, (_, i) => i + 1),
    )
    for (const part of created.body.parts) {
      const url = new URL(part.url)
      assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'content-length;host')
      assert.equal(url.searchParams.get('partNumber'), String(part.partNumber))
      assert.equal(url.searchParams.get('uploadId'), created.body.uploadId)
    }

    const more = await api(`media/uploads/${id}/parts`, {
      token: coach.token,
      body: { partNumbers: [121, 51, 51, 52] },
    })
    assert.equal(more.status, 200, JSON.stringify(more.body))
    assert.deepEqual(numbers(more.body.parts), [51, 52, 121])
    const last = more.body.parts.find((p: { partNumber: number }) => p.partNumber === 121).url
    // The last part's URL carries exactly its 5 bytes, nothing else.
    const wrong = await fetch(last, { method: 'PUT', body: new Uint8Array(6) })
    assert.equal(wrong.status, 403)
    await wrong.body?.cancel()
    const right = await fetch(last, { method: 'PUT', body: new Uint8Array(5) })
    assert.equal(right.status, 200)
    await right.body?.cancel()

    const resumed = await api(`media/uploads/${id}`, { token: coach.token })
    assert.equal(resumed.status, 200)
    assert.equal(resumed.body.partCount, 121)
    assert.deepEqual(numbers(resumed.body.uploadedParts), [121])
    assert.deepEqual(
      numbers(resumed.body.parts),
      Array.from({ length: 50 }, (_, i) => i + 1),
    )

    const refused: Array<[unknown, number, string]> = [
      [{ partNumbers: [122] }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: [0] }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: [] }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: Array.from({ length: 51 }, (_, i) => i + 1) }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: [1.5] }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: '1' }, 400, 'VALIDATION_FAILED'],
      [{ parts: [1] }, 400, 'VALIDATION_FAILED'],
    ]
    for (const [body, status, code] of refused) {
      const res = await api(`media/uploads/${id}/parts`, { token: coach.token, body })
      assert.equal(res.status, status, JSON.stringify(body))
      assert.equal(res.body.error.code, code, JSON.stringify(body))
    }
    const unknown = await api(`media/uploads/${crypto.randomUUID()}/parts`, {
      token: coach.token,
      body: { partNumbers: [1] },
    })
    assert.equal(unknown.status, 404)

    assert.equal(
      (await api(`media/uploads/${id}`, { token: coach.token, method: 'DELETE' })).status,
      204,
    )
    const afterAbort = await api(`media/uploads/${id}/parts`, {
      token: coach.token,
      body: { partNumbers: [1] },
    })
    assert.equal(afterAbort.status, 404)
  },
})

Deno.test({
  ...opts,
  name: 'quota: an upload beyond the org limit is refused with 413',
  fn: async () => {
    await setup()
    const small = await createOrg(coach, 'Tiny Club')
    await serviceSql(
      (sql) =>
        sql`update public.organizations set storage_limit_bytes = 1000 where id = ${small.id}`,
    )
    const res = await api('media/uploads', {
      token: coach.token,
      body: { orgId: small.id, fileName: 'big.mp4', sizeBytes: 1001, contentType: 'video/mp4' },
    })
    assert.equal(res.status, 413)
    assert.equal(res.body.error.code, 'QUOTA_EXCEEDED')
    const ok = await api('media/uploads', {
      token: coach.token,
      body: { orgId: small.id, fileName: 'fits.mp4', sizeBytes: 1000, contentType: 'video/mp4' },
    })
    assert.equal(ok.status, 201)
  },
})

Deno.test({
  ...opts,
  name: 'bad input never yields a 5xx: malformed, missing, wrong types, oversized, unknown ids, huge',
  fn: async () => {
    await setup()
    const valid = { orgId: org.id, fileName: 'a.mp4', sizeBytes: 10, contentType: 'video/mp4' }
    const cases: Array<[string, { body?: unknown; rawBody?: string }, number, string]> = [
      ['malformed', { rawBody: '{"orgId":' }, 400, 'INVALID_JSON'],
      ['empty object', { body: {} }, 400, 'VALIDATION_FAILED'],
      ['array', { body: [valid] }, 400, 'VALIDATION_FAILED'],
      ['wrong types', { body: { ...valid, sizeBytes: '10' } }, 400, 'VALIDATION_FAILED'],
      ['zero size', { body: { ...valid, sizeBytes: 0 } }, 400, 'VALIDATION_FAILED'],
      ['negative size', { body: { ...valid, sizeBytes: -5 } }, 400, 'VALIDATION_FAILED'],
      ['fractional size', { body: { ...valid, sizeBytes: 1.5 } }, 400, 'VALIDATION_FAILED'],
      [
        'over 20 GiB',
        { body: { ...valid, sizeBytes: 20 * 1024 ** 3 + 1 } },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'long file name',
        { body: { ...valid, fileName: 'x'.repeat(300) } },
        400,
        'VALIDATION_FAILED',
      ],
      ['slash in name', { body: { ...valid, fileName: '../../x.mp4' } }, 400, 'VALIDATION_FAILED'],
      ['bad kind', { body: { ...valid, kind: 'friendly' } }, 400, 'VALIDATION_FAILED'],
      ['bad org id', { body: { ...valid, orgId: 'not-a-uuid' } }, 400, 'VALIDATION_FAILED'],
      ['unknown org', { body: { ...valid, orgId: crypto.randomUUID() } }, 404, 'NOT_FOUND'],
      ['unknown field', { body: { ...valid, admin: true } }, 400, 'VALIDATION_FAILED'],
      [
        'huge body',
        { rawBody: JSON.stringify({ ...valid, name: 'x'.repeat(2 * MiB) }) },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ]
    for (const [label, input, status, code] of cases) {
      const res = await api('media/uploads', {
        token: coach.token,
        ...input,
        ...(input.rawBody ? { headers: { 'content-type': 'application/json' } } : {}),
      })
      assert.equal(res.status, status, `${label}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.error.code, code, label)
    }
    const missing = crypto.randomUUID()
    for (const [path, method] of [
      [`media/${missing}`, 'GET'],
      [`media/not-a-uuid`, 'GET'],
      [`media/${missing}/playback`, 'GET'],
      [`media/uploads/${missing}`, 'GET'],
      [`media/uploads/${missing}/complete`, 'POST'],
      [`media/uploads/${missing}`, 'DELETE'],
    ] as const) {
      const res = await api(path, { token: coach.token, method })
      assert.equal(res.status, 404, `${method} ${path}`)
    }
    const badQuery = await api(`media?orgId=${org.id}&pageSize=1000`, { token: coach.token })
    assert.equal(badQuery.status, 400)
    assert.ok(badQuery.body.error.details.fieldErrors.pageSize)
  },
})

Deno.test({
  ...opts,
  name: 'the 401 matrix through the gateway: no token, garbage, the anon key',
  fn: async () => {
    for (const token of [undefined, 'garbage', Deno.env.get('SUPABASE_ANON_KEY')]) {
      const res = await api('me', { token })
      assert.equal(res.status, 401, String(token))
      assert.equal(res.body.error.code, 'UNAUTHORIZED')
      assert.ok(res.headers.get('x-request-id'))
    }
    const health = await api('health')
    assert.equal(health.status, 200)
    assert.deepEqual(health.body, { ok: true })
  },
})

Deno.test({
  ...opts,
  name: 'playback: signed master and rung playlists; bad or foreign tokens are refused',
  fn: async () => {
    await setup()
    const created = await api('media/uploads', {
      token: coach.token,
      body: { orgId: org.id, fileName: 'play.mp4', sizeBytes: 64, contentType: 'video/mp4' },
    })
    const id: string = created.body.asset.id
    const prefix = `orgs/${org.id}/media/${id}/`
    // Stand in for the worker: publish one rung the way it does (relative URIs, contract keys).
    const put = (key: string, body: string) =>
      s3().send(new PutObjectCommand({ Bucket: bucket(), Key: `${prefix}${key}`, Body: body }))
    await put(
      'hls/master.m3u8',
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\n360p/index.m3u8\n',
    )
    await put(
      'hls/360p/index.m3u8',
      '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n',
    )
    await put('hls/360p/seg_00000.ts', 'segment-bytes')
    await put('poster.jpg', 'jpeg')
    await put(
      'storyboard/storyboard.vtt',
      'WEBVTT\n\n00:00:00.000 --> 00:00:06.000\nsprite_000.jpg#xywh=0,0,320,180\n',
    )
    await put('storyboard/sprite_000.jpg', 'sprite')
    await serviceSql(
      (sql) => sql`update public.media_assets set status = 'transcoding', playable = true,
        master_playlist_key = ${`${prefix}hls/master.m3u8`}, poster_key = ${`${prefix}poster.jpg`},
        storyboard_vtt_key = ${`${prefix}storyboard/storyboard.vtt`},
        renditions = ${sql.json([{ name: '360p', width: 640, height: 360, bandwidth: 900000, playlist: '360p/index.m3u8' }])}
        where id = ${id}`,
    )
    const playback = await api(`media/${id}/playback`, { token: player.token })
    assert.equal(playback.status, 200, JSON.stringify(playback.body))
    assert.equal(playback.body.ready, true)
    const masterUrl: string = playback.body.masterPlaylistUrl
    assert.ok(
      masterUrl.startsWith(
        `${Deno.env.get('SUPABASE_URL')}/functions/v1/media/${id}/hls/master.m3u8?token=`,
      ),
    )
    assert.ok(Date.parse(playback.body.expiresAt) > Date.now())

    const master = await fetch(masterUrl)
    assert.equal(master.status, 200)
    assert.match(master.headers.get('content-type') ?? '', /mpegurl/)
    const masterText = await master.text()
    const variant = masterText.split('\n').find((l) => l.startsWith('http'))!
    assert.match(variant, new RegExp(`/media/${id}/hls/360p/index\\.m3u8\\?token=`))
    const rung = await fetch(variant)
    assert.equal(rung.status, 200)
    const segmentUrl = (await rung.text()).split('\n').find((l) => l.startsWith('http'))!
    assert.match(segmentUrl, /X-Amz-Signature=/)
    const segment = await fetch(segmentUrl)
    assert.equal(await segment.text(), 'segment-bytes')

    const poster = await fetch(playback.body.posterUrl)
    assert.equal(await poster.text(), 'jpeg')
    const storyboard = await fetch(playback.body.storyboardUrl)
    const vtt = await storyboard.text()
    const sprite = vtt.split('\n').find((l) => l.startsWith('http'))!
    assert.match(sprite, /#xywh=0,0,320,180$/)
    assert.equal(await (await fetch(sprite.split('#')[0]!)).text(), 'sprite')

    const token = new URL(masterUrl).searchParams.get('token')!
    const base = `${Deno.env.get('SUPABASE_URL')}/functions/v1/media`
    const refused = [
      // No token at all is no credential (401, before any lookup); a wrong one is refused (403).
      [`${base}/${id}/hls/master.m3u8`, 401],
      [`${base}/${id}/hls/master.m3u8?token=${token}x`, 403],
      [`${base}/${crypto.randomUUID()}/hls/master.m3u8?token=${token}`, 403],
      [`${base}/${id}/hls/..%2F..%2Fposter.jpg?token=${token}`, 404],
      [`${base}/${id}/hls/360p/seg_00000.ts?token=${token}`, 404],
    ] as const
    for (const [url, status] of refused) {
      const res = await fetch(url)
      assert.equal(res.status, status, url)
      await res.body?.cancel()
    }
    const outsiderPlayback = await api(`media/${id}/playback`, { token: outsider.token })
    assert.equal(outsiderPlayback.status, 404)
  },
})

Deno.test({
  ...opts,
  name: 'MEDIA-3: edit, delete with every object, live changes by long-poll',
  fn: async () => {
    await setup()
    const start = new Date(Date.now() - 1000).toISOString()
    const created = await api('media/uploads', {
      token: coach.token,
      body: { orgId: org.id, fileName: 'live.mp4', sizeBytes: 32, contentType: 'video/mp4' },
    })
    const id: string = created.body.asset.id
    const first = await api(`media/changes?orgId=${org.id}&since=${start}&timeout=0`, {
      token: player.token,
    })
    assert.equal(first.status, 200)
    assert.ok(first.body.items.some((a: { id: string }) => a.id === id))
    const quiet = await api(
      `media/changes?orgId=${org.id}&since=${encodeURIComponent(first.body.cursor)}&timeout=0`,
      { token: player.token },
    )
    assert.equal(quiet.body.items.length, 0)
    assert.equal(quiet.body.timedOut, true)
    // A waiting poll returns as soon as the worker writes progress.
    const waiting = api(
      `media/changes?orgId=${org.id}&since=${encodeURIComponent(first.body.cursor)}&timeout=20`,
      { token: player.token },
    )
    await serviceSql(
      (sql) => sql`update public.media_assets set progress = 0.5, processing_stage = 'transcoding'
                   where id = ${id}`,
    )
    const changed = await waiting
    assert.equal(changed.body.items[0].id, id)
    assert.equal(changed.body.items[0].progress, 0.5)
    assert.equal(
      (await api(`media/changes?orgId=${org.id}`, { token: outsider.token })).status,
      404,
    )
    const badSince = await api(`media/changes?orgId=${org.id}&since=yesterday`, {
      token: player.token,
    })
    assert.equal(badSince.status, 400)

    const memberEdit = await api(`media/${id}`, {
      token: player.token,
      method: 'PATCH',
      body: { name: 'Mine now' },
    })
    assert.equal(memberEdit.status, 403)
    const edited = await api(`media/${id}`, {
      token: coach.token,
      method: 'PATCH',
      body: { name: 'Round 3 v Saints', kind: 'opposition' },
    })
    assert.equal(edited.status, 200)
    assert.equal(edited.body.asset.kind, 'opposition')
    const listed = await api(`media?orgId=${org.id}&kind=opposition`, { token: player.token })
    assert.ok(listed.body.items.some((a: { name: string }) => a.name === 'Round 3 v Saints'))

    await s3().send(
      new PutObjectCommand({
        Bucket: bucket(),
        Key: `orgs/${org.id}/media/${id}/poster.jpg`,
        Body: 'x',
      }),
    )
    assert.equal((await api(`media/${id}`, { token: player.token, method: 'DELETE' })).status, 403)
    const deleted = await api(`media/${id}`, { token: coach.token, method: 'DELETE' })
    assert.equal(deleted.status, 204)
    assert.equal(await headObject(`orgs/${org.id}/media/${id}/poster.jpg`), undefined)
    const queue = await serviceSql(
      (sql) =>
        sql`select processed_at from public.storage_cleanup_queue where media_asset_id = ${id}`,
    )
    assert.ok(queue[0]?.processed_at)
    assert.equal((await api(`media/${id}`, { token: coach.token })).status, 404)
  },
})

Deno.test({
  ...opts,
  name: 'MEDIA-3: the changes cursor keeps microseconds and never splits one timestamp',
  fn: async () => {
    await setup()
    const club = await createOrg(coach, 'Cursor Club')
    const ids: string[] = []
    for (const name of ['a.mp4', 'b.mp4', 'c.mp4']) {
      const res = await api('media/uploads', {
        token: coach.token,
        body: { orgId: club.id, fileName: name, sizeBytes: 32, contentType: 'video/mp4' },
      })
      ids.push(res.body.asset.id)
    }
    // Real Postgres stamps microseconds; pin them (triggers off) so the test does not depend on
    // the clock's resolution. Two rows share one instant, like one transaction's writes.
    await serviceSql((sql) =>
      sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`
        await tx`update public.media_assets set updated_at = '2026-01-01T10:00:00.123456Z'
                 where id = ${ids[0]!} or id = ${ids[1]!}`
        await tx`update public.media_assets set updated_at = '2026-01-01T10:00:00.123789Z'
                 where id = ${ids[2]!}`
      }),
    )
    const page = (since: string) =>
      api(`media/changes?orgId=${club.id}&since=${encodeURIComponent(since)}&timeout=0`, {
        token: coach.token,
      })
    // The millisecond form of the first rows' time (what a JS Date prints) still finds them.
    const first = await page('2026-01-01T10:00:00.123Z')
    assert.equal(first.status, 200)
    assert.deepEqual(first.body.items.map((a: { id: string }) => a.id).sort(), [...ids].sort())
    assert.equal(first.body.cursor, '2026-01-01T10:00:00.123789Z')
    const again = await page(first.body.cursor)
    assert.deepEqual(again.body.items, [])
    assert.equal(again.body.timedOut, true)
    assert.equal(again.body.cursor, first.body.cursor)
    const middle = await page('2026-01-01T10:00:00.123456Z')
    assert.deepEqual(
      middle.body.items.map((a: { id: string }) => a.id),
      [ids[2]],
    )
  },
})

Deno.test({ ...opts, name: 'media tests: close pools', fn: () => closePools() })
