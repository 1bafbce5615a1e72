import { describe, expect, it } from 'vitest'
import { MediaError } from '../errors'
import { validateProbe, type ProbeJson } from './validate'

const mp4 = 'mov,mp4,m4a,3gp,3g2,mj2'

function probe(overrides: {
  format?: Partial<NonNullable<ProbeJson['format']>>
  video?: Record<string, unknown> | null
  audio?: Record<string, unknown> | null
}): ProbeJson {
  const video = {
    index: 0,
    codec_type: 'video',
    codec_name: 'h264',
    width: 1920,
    height: 1080,
    avg_frame_rate: '30000/1001',
    r_frame_rate: '30000/1001',
    ...overrides.video,
  }
  const audio = { index: 1, codec_type: 'audio', codec_name: 'aac', ...overrides.audio }
  return {
    format: { format_name: mp4, duration: '80.5', ...overrides.format },
    streams: [
      ...(overrides.video === null ? [] : [video]),
      ...(overrides.audio === null ? [] : [audio]),
    ],
  }
}

function codeOf(json: ProbeJson): string {
  try {
    validateProbe(json)
  } catch (error) {
    if (error instanceof MediaError) return error.code
    throw error
  }
  return 'OK'
}

describe('validateProbe', () => {
  it('accepts an ordinary 1080p MP4 and forces the mov demuxer', () => {
    const media = validateProbe(probe({}))
    expect(media).toMatchObject({ demuxer: 'mov', width: 1920, height: 1080, hasAudio: true })
    expect(media.fps).toBeCloseTo(29.97, 2)
    expect(media.durationSeconds).toBe(80.5)
  })

  it('maps each refusal to the code the SPA explains', () => {
    expect(codeOf(probe({ format: { format_name: 'hls' } }))).toBe('UNSUPPORTED_CONTAINER')
    expect(codeOf(probe({ format: { format_name: 'concat' } }))).toBe('UNSUPPORTED_CONTAINER')
    expect(codeOf(probe({ video: null }))).toBe('NO_VIDEO_STREAM')
    expect(codeOf(probe({ video: { codec_name: 'cinepak' } }))).toBe('UNSUPPORTED_CODEC')
    expect(codeOf(probe({ audio: { codec_name: 'wmav2' } }))).toBe('UNSUPPORTED_CODEC')
    expect(codeOf(probe({ format: { duration: String(4 * 3600 + 1) } }))).toBe('TOO_LONG')
    expect(codeOf(probe({ format: { duration: 'N/A' } }))).toBe('INVALID_MEDIA')
    expect(codeOf(probe({ video: { width: 7680, height: 4320 } }))).toBe('RESOLUTION_TOO_HIGH')
    expect(codeOf(probe({ video: { avg_frame_rate: '240/1' } }))).toBe('FRAME_RATE_TOO_HIGH')
    expect(codeOf(probe({ video: { width: 0 } }))).toBe('INVALID_MEDIA')
  })

  it('allows the limits themselves: 4 h, DCI 4K, 120 fps', () => {
    expect(codeOf(probe({ format: { duration: String(4 * 3600) } }))).toBe('OK')
    expect(codeOf(probe({ video: { width: 4096, height: 2160 } }))).toBe('OK')
    expect(codeOf(probe({ video: { avg_frame_rate: '120/1' } }))).toBe('OK')
  })

  it('treats cover art as no video and a silent file as having no audio', () => {
    const coverOnly = probe({ video: { disposition: { attached_pic: 1 } } })
    expect(codeOf(coverOnly)).toBe('NO_VIDEO_STREAM')
    expect(validateProbe(probe({ audio: null })).hasAudio).toBe(false)
  })

  it('applies rotation and sample aspect ratio to the display size', () => {
    const rotated = validateProbe(
      probe({ video: { side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] } }),
    )
    expect([rotated.width, rotated.height]).toEqual([1080, 1920])
    const anamorphic = validateProbe(
      probe({ video: { width: 1440, height: 1080, sample_aspect_ratio: '4:3' } }),
    )
    expect([anamorphic.width, anamorphic.height]).toEqual([1920, 1080])
  })

  it('falls back to r_frame_rate when the average is unknown', () => {
    expect(
      validateProbe(probe({ video: { avg_frame_rate: '0/0', r_frame_rate: '25/1' } })).fps,
    ).toBe(25)
  })
})
