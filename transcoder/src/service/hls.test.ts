import { describe, expect, it } from 'vitest'
import { avc1Codec, masterPlaylist, parseMediaPlaylist } from './hls'
import { storyboardVtt, spriteCount } from './storyboard'

describe('master playlist', () => {
  it('lists every rung with BANDWIDTH, RESOLUTION and CODECS, lowest first', () => {
    const rung = (name: string, width: number, height: number, bandwidth: number) => ({
      name,
      width,
      height,
      bandwidth,
      averageBandwidth: bandwidth - 1000,
      codecs: 'avc1.64001f,mp4a.40.2',
      frameRate: 30,
      playlist: `${name}/index.m3u8`,
      segments: 3,
    })
    const text = masterPlaylist([
      rung('720p', 1280, 720, 2_000_000),
      rung('360p', 640, 360, 600_000),
    ])
    const lines = text.trim().split('\n')
    expect(lines[0]).toBe('#EXTM3U')
    expect(lines[3]).toBe(
      '#EXT-X-STREAM-INF:BANDWIDTH=600000,AVERAGE-BANDWIDTH=599000,RESOLUTION=640x360,' +
        'FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"',
    )
    expect(lines[4]).toBe('360p/index.m3u8')
    expect(lines[6]).toBe('720p/index.m3u8')
  })

  it('builds RFC 6381 codec strings from ffprobe profile and level', () => {
    expect(avc1Codec('High', 30)).toBe('avc1.64001e')
    expect(avc1Codec('High', 40)).toBe('avc1.640028')
    expect(avc1Codec('Main', 31)).toBe('avc1.4d401f')
    expect(avc1Codec('Constrained Baseline', 30)).toBe('avc1.42e01e')
  })

  it('parses segment durations out of a media playlist', () => {
    const text =
      '#EXTM3U\n#EXTINF:6.000000,\nseg_00000.ts\n#EXTINF:2.5,\nseg_00001.ts\n#EXT-X-ENDLIST\n'
    expect(parseMediaPlaylist(text)).toEqual([
      { uri: 'seg_00000.ts', duration: 6 },
      { uri: 'seg_00001.ts', duration: 2.5 },
    ])
  })
})

describe('storyboard VTT', () => {
  const layout = {
    thumbs: 27,
    thumbWidth: 320,
    thumbHeight: 180,
    columns: 5,
    rows: 5,
    intervalSeconds: 6,
    durationSeconds: 160,
  }

  it('walks the 5×5 grid and moves to the next sprite after 25 tiles', () => {
    const vtt = storyboardVtt(layout)
    const cues = vtt.trim().split('\n\n').slice(1)
    expect(cues).toHaveLength(27)
    expect(cues[0]).toBe('00:00:00.000 --> 00:00:06.000\nsprite_000.jpg#xywh=0,0,320,180')
    expect(cues[6]).toBe('00:00:36.000 --> 00:00:42.000\nsprite_000.jpg#xywh=320,180,320,180')
    expect(cues[24]).toContain('sprite_000.jpg#xywh=1280,720,320,180')
    expect(cues[25]).toBe('00:02:30.000 --> 00:02:36.000\nsprite_001.jpg#xywh=0,0,320,180')
    expect(cues[26]).toBe('00:02:36.000 --> 00:02:40.000\nsprite_001.jpg#xywh=320,0,320,180')
    expect(spriteCount(layout)).toBe(2)
  })
})
