import { describe, expect, it } from 'vitest'
import { loopMediaPlaylist, loopStoryboard } from './loop'

const linesOf = (text: string, wanted: (line: string) => boolean) => text.split('\n').filter(wanted)

// What ffmpeg's HLS muxer writes for one rung of the 60 s demo (shortened to three segments).
const rung = [
  '#EXTM3U',
  '#EXT-X-VERSION:3',
  '#EXT-X-TARGETDURATION:4',
  '#EXT-X-MEDIA-SEQUENCE:0',
  '#EXT-X-PLAYLIST-TYPE:VOD',
  '#EXTINF:4.000000,',
  'seg_00000.ts',
  '#EXTINF:4.000000,',
  'seg_00001.ts',
  '#EXTINF:2.500000,',
  'seg_00002.ts',
  '#EXT-X-ENDLIST',
  '',
].join('\n')

function extinfTotal(text: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith('#EXTINF:'))
    .reduce((sum, line) => sum + Number.parseFloat(line.slice(8)), 0)
}

describe('looping the demo rung playlist', () => {
  it('repeats the segments with a discontinuity per loop until the target is covered', () => {
    const { text, loopSeconds } = loopMediaPlaylist(rung, 25)
    expect(loopSeconds).toBe(10.5)
    const lines = text.trimEnd().split('\n')
    expect(lines.slice(0, 5)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-TARGETDURATION:4',
    ])
    expect(lines.at(-1)).toBe('#EXT-X-ENDLIST')
    expect(lines.filter((line) => line === '#EXT-X-ENDLIST')).toHaveLength(1)
    // Two full loops (21 s) and then only as much of the third as reaching 25 s needs.
    expect(lines.filter((line) => line === '#EXT-X-DISCONTINUITY')).toHaveLength(2)
    expect(lines.filter((line) => line.endsWith('.ts'))).toEqual([
      'seg_00000.ts',
      'seg_00001.ts',
      'seg_00002.ts',
      'seg_00000.ts',
      'seg_00001.ts',
      'seg_00002.ts',
      'seg_00000.ts',
    ])
    expect(extinfTotal(text)).toBe(25)
    // Each discontinuity sits right before a loop's first segment.
    const first = lines.indexOf('#EXT-X-DISCONTINUITY')
    expect(lines.slice(first + 1, first + 3)).toEqual(['#EXTINF:4.000000,', 'seg_00000.ts'])
  })

  it('covers an 80-minute match and derives the target duration from the longest segment', () => {
    const long = rung.replace('#EXTINF:2.500000,', '#EXTINF:6.200000,')
    const { text } = loopMediaPlaylist(long, 4800)
    expect(extinfTotal(text)).toBeGreaterThanOrEqual(4800)
    expect(extinfTotal(text)).toBeLessThan(4800 + 6.2)
    expect(text).toContain('#EXT-X-TARGETDURATION:7\n')
    expect(text).not.toContain('#EXT-X-TARGETDURATION:4')
  })

  it('leaves a playlist already long enough as one loop', () => {
    const { text } = loopMediaPlaylist(rung, 8)
    expect(text).not.toContain('#EXT-X-DISCONTINUITY')
    expect(extinfTotal(text)).toBe(10.5)
  })

  it('refuses a playlist without segments', () => {
    expect(() => loopMediaPlaylist('#EXTM3U\n#EXT-X-ENDLIST\n', 60)).toThrow(/no segments/)
  })
})

describe('looping the demo storyboard', () => {
  const vtt = [
    'WEBVTT',
    '',
    '00:00:00.000 --> 00:00:06.000',
    'sprite_000.jpg#xywh=0,0,160,90',
    '',
    '00:00:06.000 --> 00:00:12.000',
    'sprite_000.jpg#xywh=160,0,160,90',
    '',
  ].join('\n')

  it('repeats the cues with shifted times over the same sprite tiles', () => {
    const text = loopStoryboard(vtt, 10.5, 25)
    const timings = linesOf(text, (line) => line.includes('-->'))
    expect(timings).toEqual([
      '00:00:00.000 --> 00:00:06.000',
      // The second cue ran past the loop's end; it stops where the next loop starts.
      '00:00:06.000 --> 00:00:10.500',
      '00:00:10.500 --> 00:00:16.500',
      '00:00:16.500 --> 00:00:21.000',
      '00:00:21.000 --> 00:00:25.000',
    ])
    const tiles = linesOf(text, (line) => line.startsWith('sprite_'))
    expect(tiles).toEqual([
      'sprite_000.jpg#xywh=0,0,160,90',
      'sprite_000.jpg#xywh=160,0,160,90',
      'sprite_000.jpg#xywh=0,0,160,90',
      'sprite_000.jpg#xywh=160,0,160,90',
      'sprite_000.jpg#xywh=0,0,160,90',
    ])
    expect(text.startsWith('WEBVTT\n\n')).toBe(true)
  })

  it('reaches past an hour with well-formed timestamps', () => {
    const text = loopStoryboard(vtt, 12, 4800)
    const timings = linesOf(text, (line) => line.includes('-->'))
    expect(timings).toHaveLength(800)
    expect(timings.at(-1)).toBe('01:19:54.000 --> 01:20:00.000')
  })
})
