import assert from 'node:assert/strict'
import { isPlaylistPath, resolveKey, rewritePlaylist, rewriteStoryboard } from './playlist.ts'

const root = 'orgs/o1/media/a1/hls/'

Deno.test('resolveKey keeps URIs inside the asset and refuses escapes', () => {
  assert.equal(resolveKey(`${root}master.m3u8`, '360p/index.m3u8', root), `${root}360p/index.m3u8`)
  assert.equal(
    resolveKey(`${root}360p/index.m3u8`, 'seg_00000.ts', root),
    `${root}360p/seg_00000.ts`,
  )
  assert.equal(resolveKey(`${root}360p/index.m3u8`, '../../../a2/hls/x.ts', root), undefined)
  assert.equal(resolveKey(`${root}360p/index.m3u8`, 'https://evil.example/x.ts', root), undefined)
  assert.equal(resolveKey(`${root}360p/index.m3u8`, '/etc/passwd', root), undefined)
})

Deno.test('master playlists point variants back at the function with the token', async () => {
  const master = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"',
    '360p/index.m3u8',
    '#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720',
    '720p/index.m3u8',
    '',
  ].join('\n')
  const out = await rewritePlaylist(
    master,
    `${root}master.m3u8`,
    root,
    (key) => `https://fn/${key.slice(root.length)}?token=T`,
  )
  assert.match(out, /^#EXTM3U\n/)
  assert.match(
    out,
    /RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"\nhttps:\/\/fn\/360p\/index.m3u8\?token=T\n/,
  )
  assert.match(out, /https:\/\/fn\/720p\/index.m3u8\?token=T/)
})

Deno.test(
  'media playlists get signed segment URLs; URI attributes too; escapes dropped',
  async () => {
    const media = [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:6',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:6.0,',
      'seg_00000.ts',
      '#EXTINF:6.0,',
      '../../../other/secret.ts',
      '#EXT-X-ENDLIST',
    ].join('\n')
    const out = await rewritePlaylist(
      media,
      `${root}360p/index.m3u8`,
      root,
      (key) => `signed:${key}`,
    )
    assert.match(out, /#EXT-X-MAP:URI="signed:orgs\/o1\/media\/a1\/hls\/360p\/init.mp4"/)
    assert.match(out, /\nsigned:orgs\/o1\/media\/a1\/hls\/360p\/seg_00000.ts\n/)
    assert.doesNotMatch(out, /secret/)
    assert.match(out, /#EXT-X-ENDLIST\n$/)
  },
)

Deno.test('only master and rung playlists are servable paths', () => {
  assert.ok(isPlaylistPath('master.m3u8'))
  assert.ok(isPlaylistPath('360p/index.m3u8'))
  assert.ok(!isPlaylistPath('../master.m3u8'))
  assert.ok(!isPlaylistPath('360p/seg_00000.ts'))
  assert.ok(!isPlaylistPath('a/b/index.m3u8'))
})

Deno.test('storyboard sprites are signed and keep their #xywh fragment', async () => {
  const prefix = 'orgs/o1/media/a1/'
  const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:06.000\nsprite_000.jpg#xywh=0,0,320,180\n'
  const out = await rewriteStoryboard(
    vtt,
    `${prefix}storyboard/storyboard.vtt`,
    prefix,
    (k) => `S(${k})`,
  )
  assert.match(out, /S\(orgs\/o1\/media\/a1\/storyboard\/sprite_000.jpg\)#xywh=0,0,320,180/)
})
