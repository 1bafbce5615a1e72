// Integration: MEDIA-4 playback through signed playlists, and the tokens that guard them.
import assert from 'node:assert/strict'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { closePools } from '../_shared/db.ts'
import { bucket, s3 } from '../_shared/storage.ts'
import { api, serviceSql } from '../_shared/testing.ts'
import { opts, setup } from './test-support.ts'

Deno.test({
  ...opts,
  name: 'playback: signed master and rung playlists; bad or foreign tokens are refused',
  fn: async () => {
    const { coach, player, outsider, org } = await setup()
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
    // The upload is complete by the time a worker publishes (statuses only move forward).
    await serviceSql(
      (sql) => sql`update public.media_assets set status = 'uploaded' where id = ${id}`,
    )
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

Deno.test({ ...opts, name: 'media playback tests: close pools', fn: () => closePools() })
