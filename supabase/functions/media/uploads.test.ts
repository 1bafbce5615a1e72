// Integration: MEDIA-1/2 upload → complete through the gateway, against the embedded database
// and storage (run by `npm run test:functions`).
import assert from 'node:assert/strict'
import { UploadPartCommand } from '@aws-sdk/client-s3'
import { parseJobPayload } from '../../../contracts/jobs.ts'
import { closePools } from '../_shared/db.ts'
import { bucket, s3 } from '../_shared/storage.ts'
import { api, createOrg, serviceSql } from '../_shared/testing.ts'
import { clientParts, etags, MiB, opts, putParts, setup } from './test-support.ts'

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
    const { coach, player, org } = await setup()
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
    // What the worker will read: the payload contract, built by private.complete_upload.
    const [queued] = await serviceSql(
      (sql) => sql`select payload from public.jobs where id = ${third.body.job.id}`,
    )
    assert.deepEqual(parseJobPayload('transcode', queued!.payload), {
      assetId: asset.id,
      originalKey: key,
    })
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
  name: 'size mismatch: 400, the upload is discarded and the reservation released',
  fn: async () => {
    const { coach, org } = await setup()
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
  name: 'quota: an upload beyond the org limit is refused with 413',
  fn: async () => {
    const { coach } = await setup()
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

Deno.test({ ...opts, name: 'media upload tests: close pools', fn: () => closePools() })
