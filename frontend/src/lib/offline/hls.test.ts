import { describe, expect, it } from 'vitest'
import { bindPlaylist, cacheKey, parseMaster, parseMedia, pickVariant, planClip } from './hls'

const API = 'http://api.test/functions/v1/media/a1/hls'
const S3 = 'http://s3.test/media/orgs/o/media/a1/hls'
const sig = (n: number) => `?X-Amz-Signature=${n}&X-Amz-Expires=3600`

const master = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2"
${API}/1080p/index.m3u8?token=t
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
${API}/360p/index.m3u8?token=t
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720
720p/index.m3u8?token=t
`

const media = (n: number) =>
  [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:6',
    '#EXT-X-MEDIA-SEQUENCE:0',
    ...Array.from({ length: n }, (_, i) => [
      `#EXTINF:${i === n - 1 ? '4.000000' : '6.000000'},`,
      `${S3}/360p/seg_${String(i).padStart(5, '0')}.ts${sig(i)}`,
    ]).flat(),
    '#EXT-X-ENDLIST',
  ].join('\n')

describe('offline clip plan (B-6)', () => {
  it('reads the ladder and keeps the smallest rung', () => {
    const variants = parseMaster(master, `${API}/master.m3u8?token=t`)
    expect(variants.map((v) => v.height)).toEqual([1080, 360, 720])
    expect(variants[2]!.url).toBe(`${API}/720p/index.m3u8?token=t`)
    expect(pickVariant(variants)?.url).toBe(`${API}/360p/index.m3u8?token=t`)
    expect(pickVariant([])).toBeNull()
  })

  it('keeps only the segments that overlap the clip, with their time offset', () => {
    const parsed = parseMedia(media(10), `${API}/360p/index.m3u8?token=t`)
    expect(parsed.segments).toHaveLength(10)
    expect(parsed.segments[3]!.start).toBe(18)
    // 13 s – 25 s touches segments 2 (12–18), 3 (18–24) and 4 (24–30).
    const plan = planClip(parsed, 13, 25, 'http://app.test/offline-clips/s1')
    expect(plan.files.map((f) => f.url)).toEqual([
      `${S3}/360p/seg_00002.ts${sig(2)}`,
      `${S3}/360p/seg_00003.ts${sig(3)}`,
      `${S3}/360p/seg_00004.ts${sig(4)}`,
    ])
    expect(plan.files[0]!.key).toBe('http://app.test/offline-clips/s1/seg-0000.ts')
    expect(plan.offset).toBe(12)
    expect(plan.duration).toBe(18)
    expect(plan.playlist).toContain('#EXT-X-ENDLIST')
    expect(plan.playlist).not.toContain('X-Amz-Signature')
    expect(plan.playlist.match(/#EXTINF/g)).toHaveLength(3)
  })

  it('does not take a segment that only touches the clip boundary', () => {
    const parsed = parseMedia(media(10), `${API}/360p/index.m3u8`)
    const plan = planClip(parsed, 12, 18, 'k')
    expect(plan.files).toHaveLength(1)
    expect(plan.offset).toBe(12)
  })

  it('keeps the last, shorter segment and refuses a clip past the end', () => {
    const parsed = parseMedia(media(3), `${API}/360p/index.m3u8`)
    expect(planClip(parsed, 10, 60, 'k').files).toHaveLength(2)
    expect(() => planClip(parsed, 30, 40, 'k')).toThrow(/outside/)
  })

  it('stores an fMP4 init segment too', () => {
    const text = `#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI="init.mp4?sig=1"\n#EXTINF:6,\nseg1.m4s?sig=2\n`
    const plan = planClip(parseMedia(text, `${S3}/360p/index.m3u8`), 0, 6, 'k')
    expect(plan.files.map((f) => f.url)).toEqual([
      `${S3}/360p/init.mp4?sig=1`,
      `${S3}/360p/seg1.m4s?sig=2`,
    ])
    expect(plan.playlist).toContain('#EXT-X-MAP:URI="k/init.mp4"')
  })

  it('keys drop the signature and binding swaps keys for playable URLs', () => {
    expect(cacheKey(`${S3}/360p/seg_00001.ts${sig(1)}`)).toBe(`${S3}/360p/seg_00001.ts`)
    const plan = planClip(parseMedia(media(2), `${API}/360p/index.m3u8`), 0, 5, 'k')
    const bound = bindPlaylist(plan.playlist, (key) =>
      key === 'k/seg-0000.ts' ? 'blob:1' : undefined,
    )
    expect(bound).toContain('\nblob:1\n')
    expect(bound).not.toContain('k/seg-0000.ts')
  })
})
