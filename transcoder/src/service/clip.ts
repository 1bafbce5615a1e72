// MEDIA-6 / B-4: a segment cut out of the original as a standalone MP4 a coach can keep or share.
// Re-encoded (not stream-copied) so the clip starts exactly at the segment's first frame instead of
// the previous keyframe, and so any allow-listed source codec becomes H.264/AAC.
import { sandboxedInput } from '../adapters/ffmpeg-args'
import { MediaError } from '../errors'
import type { MediaInfo } from './validate'

/** Clips are for watching on phones and in video sessions: 720p is plenty and keeps them small. */
export const clipMaxHeight = 720

export interface ClipRequest {
  startSeconds: number
  endSeconds: number
}

/** Clamps the request to the media, refusing a range that leaves nothing to cut. */
export function clipRange(request: ClipRequest, media: MediaInfo): ClipRequest {
  const start = Math.max(0, request.startSeconds)
  const end = Math.min(request.endSeconds, media.durationSeconds)
  if (!(end - start >= 0.5)) {
    throw new MediaError(
      'INVALID_MEDIA',
      `clip ${request.startSeconds}–${request.endSeconds} s is outside the ${media.durationSeconds} s video`,
    )
  }
  return { startSeconds: start, endSeconds: end }
}

export function clipArgs(
  input: string,
  media: MediaInfo,
  range: ClipRequest,
  output: string,
  x264Preset: string,
): string[] {
  const height = Math.min(clipMaxHeight, media.height - (media.height % 2))
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    // Seeking before -i is fast (demuxer-level) and, with re-encoding, still frame-accurate.
    '-ss',
    range.startSeconds.toFixed(3),
    ...sandboxedInput(input, media.demuxer),
    '-t',
    (range.endSeconds - range.startSeconds).toFixed(3),
    '-map',
    `0:${media.videoStreamIndex}`,
    ...(media.hasAudio ? ['-map', '0:a:0?'] : []),
    // -2 keeps the aspect ratio with an even width, which yuv420p requires.
    '-vf',
    `scale=-2:${height}`,
    '-c:v',
    'libx264',
    '-preset',
    x264Preset,
    '-crf',
    '21',
    '-pix_fmt',
    'yuv420p',
    ...(media.hasAudio ? ['-c:a', 'aac', '-b:a', '128k'] : ['-an']),
    // moov atom first: the download plays while it is still arriving.
    '-movflags',
    '+faststart',
    '-progress',
    'pipe:1',
    output,
  ]
}
