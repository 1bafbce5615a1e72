// Integration: MEDIA-3 the library: edit, delete, and the live change feed and its cursor.
import assert from 'node:assert/strict'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { closePools } from '../_shared/db.ts'
import { bucket, headObject, s3 } from '../_shared/storage.ts'
import { api, createOrg, serviceSql } from '../_shared/testing.ts'
import { opts, setup } from './test-support.ts'

Deno.test({
  ...opts,
  name: 'MEDIA-3: edit, delete with every object, live changes by long-poll',
  fn: async () => {
    const { coach, player, outsider, org } = await setup()
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
    const { coach } = await setup()
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

Deno.test({
  ...opts,
  name: 'MEDIA-3: the list follows every writer, and its newest updatedAt is a changes cursor',
  fn: async () => {
    const { coach } = await setup()
    const club = await createOrg(coach, 'Live Club')
    const created = await api('media/uploads', {
      token: coach.token,
      body: { orgId: club.id, fileName: 'live.mp4', sizeBytes: 32, contentType: 'video/mp4' },
    })
    const id: string = created.body.asset.id
    const list = () => api(`media?orgId=${club.id}`, { token: coach.token })
    const before = await list()
    assert.equal(before.body.items[0].progress, 0)
    // The worker's writes reach no cache of the API: the list must still show them at once.
    await serviceSql(
      (sql) => sql`update public.media_assets set progress = 0.25, processing_stage = 'probing'
                   where id = ${id}`,
    )
    const after = await list()
    assert.equal(after.body.items[0].progress, 0.25)
    assert.equal(after.body.items[0].stage, 'probing')

    const newest: string = after.body.items[0].updatedAt
    assert.match(newest, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    const quiet = await api(
      `media/changes?orgId=${club.id}&since=${encodeURIComponent(newest)}&timeout=0`,
      { token: coach.token },
    )
    assert.deepEqual(quiet.body.items, [])
    assert.equal(quiet.body.cursor, newest)
    await serviceSql((sql) => sql`update public.media_assets set progress = 0.5 where id = ${id}`)
    const moved = await api(
      `media/changes?orgId=${club.id}&since=${encodeURIComponent(newest)}&timeout=0`,
      { token: coach.token },
    )
    assert.deepEqual(
      moved.body.items.map((a: { id: string; progress: number }) => [a.id, a.progress]),
      [[id, 0.5]],
    )
    assert.equal(moved.body.cursor, moved.body.items[0].updatedAt)
  },
})

Deno.test({ ...opts, name: 'media library tests: close pools', fn: () => closePools() })
