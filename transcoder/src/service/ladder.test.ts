import { describe, expect, it } from 'vitest'
import { chooseLadder } from './ladder'
import type { MediaInfo } from './validate'

function media(width: number, height: number, fps = 30): MediaInfo {
  return {
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    demuxer: 'mov',
    durationSeconds: 60,
    width,
    height,
    fps,
    videoCodec: 'h264',
    videoStreamIndex: 0,
    audioCodec: 'aac',
    hasAudio: true,
  }
}

const sizes = (m: MediaInfo) => chooseLadder(m).map((r) => `${r.name} ${r.width}x${r.height}`)

describe('chooseLadder', () => {
  it('gives a 1080p source all four rungs, lowest first', () => {
    expect(sizes(media(1920, 1080))).toEqual([
      '360p 640x360',
      '480p 854x480',
      '720p 1280x720',
      '1080p 1920x1080',
    ])
  })

  it('never goes above the source', () => {
    expect(sizes(media(1280, 720))).toEqual(['360p 640x360', '480p 854x480', '720p 1280x720'])
    expect(sizes(media(3840, 2160)).at(-1)).toBe('1080p 1920x1080')
  })

  it('keeps the aspect ratio with even sizes, portrait by its short side', () => {
    expect(sizes(media(720, 1280))).toEqual(['360p 360x640', '480p 480x854', '720p 720x1280'])
    for (const rung of chooseLadder(media(1000, 750))) {
      expect(rung.width % 2).toBe(0)
      expect(rung.height % 2).toBe(0)
      expect(rung.width / rung.height).toBeCloseTo(4 / 3, 1)
    }
  })

  it('gives a tiny source one rung at its own size', () => {
    expect(sizes(media(320, 241))).toEqual(['242p 322x242'])
  })

  it('caps the output frame rate at 60', () => {
    expect(chooseLadder(media(1920, 1080, 120)).every((r) => r.fps === 60)).toBe(true)
    expect(chooseLadder(media(1920, 1080, 25)).every((r) => r.fps === 25)).toBe(true)
  })
})
