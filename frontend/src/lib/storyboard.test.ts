import { describe, expect, it } from 'vitest'
import { cueAt, parseStoryboard } from './storyboard'

const VTT = `WEBVTT

00:00:00.000 --> 00:00:06.000
sprite_000.jpg#xywh=0,0,320,180

00:00:06.000 --> 00:00:12.000
sprite_000.jpg#xywh=320,0,320,180

00:01:00.000 --> 00:01:06.000
https://cdn.example/s/sprite_001.jpg?X-Amz-Signature=abc#xywh=0,180,320,180
`

describe('storyboard (MEDIA-4 scrub preview)', () => {
  const cues = parseStoryboard(
    VTT,
    'https://api.example/functions/v1/media/a/storyboard.vtt?token=t',
  )

  it('parses cues with resolved sprite URLs and tiles', () => {
    expect(cues).toHaveLength(3)
    expect(cues[1]).toEqual({
      start: 6,
      end: 12,
      url: 'https://api.example/functions/v1/media/a/sprite_000.jpg',
      x: 320,
      y: 0,
      w: 320,
      h: 180,
    })
    expect(cues[2]?.url).toBe('https://cdn.example/s/sprite_001.jpg?X-Amz-Signature=abc')
  })

  it('finds the cue under a time, and none in gaps', () => {
    expect(cueAt(cues, 7.5)?.x).toBe(320)
    expect(cueAt(cues, 0)?.x).toBe(0)
    expect(cueAt(cues, 30)).toBeNull()
    expect(cueAt(cues, 61)?.y).toBe(180)
  })
})
