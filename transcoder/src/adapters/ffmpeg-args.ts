// Builds whole ffmpeg command lines. Every run on an uploaded file goes through inputArgs(), which
// is where the TX-2 sandbox lives: file protocol only, allow-listed demuxers only, forced format.
import { join } from 'node:path'
import type { EncoderStrategy } from './encoders'
import { segmentSeconds } from './encoders'
import type { Rung } from '../service/ladder'
import { audioBitrateKbps } from '../service/ladder'
import type { MediaInfo } from '../service/validate'
import { demuxerWhitelist } from '../service/validate'

export const storyboardIntervalSeconds = 6
export const storyboardThumbWidth = 320
export const storyboardColumns = 5
export const storyboardRows = 5

export function sandboxedInput(input: string, demuxer?: string): string[] {
  return [
    // Only local files: no http, no data: URLs, no subfile/concat protocols.
    '-protocol_whitelist',
    'file',
    // Demuxers that open other files (hls, concat, image2 sequences, …) are refused outright.
    '-format_whitelist',
    demuxerWhitelist,
    // Once probed, the detected allow-listed demuxer is forced so no later run re-detects.
    ...(demuxer ? ['-f', demuxer] : []),
    '-i',
    input,
  ]
}

export function ffprobeArgs(input: string): string[] {
  return [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    ...sandboxedInput(input).slice(0, -2),
    input,
  ]
}

/** Every run: no banner, no stdin, overwrite outputs, only errors on stderr. */
const quietArgs = ['-hide_banner', '-nostdin', '-y', '-v', 'error']

const commonArgs = [
  ...quietArgs,
  // Machine-readable progress on stdout; human stats off so stderr only carries errors.
  '-progress',
  'pipe:1',
  '-nostats',
]

export interface LadderOutputs {
  rungs: Rung[]
  /** Directory whose `<rung>/index.m3u8` the rungs are written to. */
  hlsDir: string
  /** If set, storyboard thumbnails (one per 6 s) are written here from the same decode. */
  thumbsDir?: string
  thumbHeight?: number
}

export function hlsOutputArgs(dir: string): string[] {
  return [
    '-f',
    'hls',
    '-hls_time',
    String(segmentSeconds),
    '-hls_playlist_type',
    'vod',
    '-hls_list_size',
    '0',
    // Every segment starts with a keyframe, so players may start or switch at any of them.
    '-hls_flags',
    'independent_segments',
    '-hls_segment_filename',
    join(dir, 'seg_%05d.ts'),
    join(dir, 'index.m3u8'),
  ]
}

/** One ffmpeg process: decode once, split the frames into every rung (and the storyboard). */
export function ladderArgs(
  input: string,
  media: MediaInfo,
  encoder: EncoderStrategy,
  outputs: LadderOutputs,
): string[] {
  const { rungs } = outputs
  if (rungs.length === 0) throw new Error('ladder needs at least one rung')
  const branches = rungs.length + (outputs.thumbsDir ? 1 : 0)
  const labels = Array.from({ length: branches }, (_, i) => `[s${i}]`)
  const graph = [`[0:v:0]split=${branches}${labels.join('')}`]
  rungs.forEach((rung, i) => graph.push(`[s${i}]${encoder.scaleFilter(rung, media.fps)}[v${i}]`))
  if (outputs.thumbsDir) {
    const h = outputs.thumbHeight ?? 180
    // The first frame of every 6 s bucket: exactly one thumbnail per storyboard cue, unlike fps=1/6,
    // whose rounding drops or duplicates the last one.
    const every = storyboardIntervalSeconds
    const select = `select='eq(n\\,0)+gte(floor(t/${every})-floor(prev_selected_t/${every})\\,1)'`
    graph.push(
      `[s${rungs.length}]${encoder.toSystemMemory()},${select},` +
        `scale=${storyboardThumbWidth}:${h},setsar=1[thumbs]`,
    )
  }

  const args = [
    ...commonArgs,
    ...encoder.inputArgs(),
    ...sandboxedInput(input, media.demuxer),
    '-filter_complex',
    graph.join(';'),
  ]
  rungs.forEach((rung, i) => {
    args.push('-map', `[v${i}]`)
    if (media.hasAudio) {
      // Stereo 48 kHz AAC-LC: what every browser's MSE plays; one audio track per rung keeps each
      // rung self-contained (muxed TS), which is the simplest thing every player supports.
      args.push('-map', '0:a:0', '-c:a', 'aac', '-b:a', `${audioBitrateKbps}k`, '-ac', '2')
      args.push('-ar', '48000')
    } else {
      args.push('-an')
    }
    args.push(...encoder.videoArgs(rung), ...hlsOutputArgs(join(outputs.hlsDir, rung.name)))
  })
  if (outputs.thumbsDir) {
    // passthrough: the selected frames as they are, no duplicates to fill a constant rate.
    args.push('-map', '[thumbs]', '-an', '-fps_mode', 'passthrough', '-c:v', 'mjpeg', '-q:v', '5')
    args.push('-f', 'image2', '-start_number', '0', join(outputs.thumbsDir, 'thumb_%05d.jpg'))
  }
  return args
}

/** Tiles our own thumbnails (trusted files, so image2 is fine here) into 5×5 sprite sheets. */
export function spriteArgs(thumbsDir: string, storyboardDir: string): string[] {
  return [
    ...quietArgs,
    '-f',
    'image2',
    '-framerate',
    '1',
    '-start_number',
    '0',
    '-i',
    join(thumbsDir, 'thumb_%05d.jpg'),
    '-vf',
    `tile=${storyboardColumns}x${storyboardRows}`,
    '-q:v',
    '5',
    '-start_number',
    '0',
    join(storyboardDir, 'sprite_%03d.jpg'),
  ]
}

export function posterArgs(
  input: string,
  media: MediaInfo,
  atSeconds: number,
  width: number,
  height: number,
  output: string,
): string[] {
  return [
    ...quietArgs,
    // Input-side seek: jumps to the nearest keyframe instead of decoding from the start.
    '-ss',
    atSeconds.toFixed(3),
    ...sandboxedInput(input, media.demuxer),
    '-frames:v',
    '1',
    '-vf',
    `scale=${width}:${height},setsar=1`,
    '-q:v',
    '3',
    output,
  ]
}
