// TX-2: the decision whether a probed file may be transcoded. Pure: takes ffprobe's JSON and
// returns what the rest of the pipeline needs, or the MediaError a coach will see.
import { MediaError } from '../errors'

export interface ProbeStream {
  index?: number
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  avg_frame_rate?: string
  r_frame_rate?: string
  sample_aspect_ratio?: string
  duration?: string
  disposition?: { attached_pic?: number }
  tags?: Record<string, string>
  side_data_list?: { side_data_type?: string; rotation?: number }[]
}

export interface ProbeJson {
  streams?: ProbeStream[]
  format?: { format_name?: string; duration?: string; bit_rate?: string; size?: string }
}

/** ffprobe's format_name → the single demuxer ffmpeg is forced to use for the real run. */
export const allowedContainers: Readonly<Record<string, string>> = {
  'mov,mp4,m4a,3gp,3g2,mj2': 'mov',
  'matroska,webm': 'matroska',
  avi: 'avi',
  mpegts: 'mpegts',
  mxf: 'mxf',
}

/** Passed to -format_whitelist: demuxers outside this list (hls, concat, image2, …) never open. */
export const demuxerWhitelist = Object.keys(allowedContainers).join(',')

export const allowedVideoCodecs: ReadonlySet<string> = new Set([
  'h264',
  'hevc',
  'vp8',
  'vp9',
  'av1',
  'mpeg4',
  'mpeg2video',
  'prores',
  'dnxhd',
  'mjpeg',
])

export const allowedAudioCodecs: ReadonlySet<string> = new Set([
  'aac',
  'mp3',
  'mp2',
  'ac3',
  'eac3',
  'opus',
  'vorbis',
  'flac',
  'alac',
  'pcm_s16le',
  'pcm_s16be',
  'pcm_s24le',
  'pcm_s32le',
  'pcm_f32le',
])

export const limits = {
  maxDurationSeconds: 4 * 60 * 60,
  /** 4K: DCI 4096 wide on the long side, 2160 on the short side. */
  maxLongSide: 4096,
  maxShortSide: 2160,
  maxFps: 120,
} as const

export interface MediaInfo {
  formatName: string
  /** The demuxer to force with -f on every later ffmpeg run. */
  demuxer: string
  durationSeconds: number
  /** Display size: rotation and sample aspect ratio applied. */
  width: number
  height: number
  fps: number
  videoCodec: string
  videoStreamIndex: number
  audioCodec: string | null
  hasAudio: boolean
}

export function parseRate(rate: string | undefined): number {
  if (!rate) return 0
  const [num, den] = rate.split(/[/:]/).map(Number)
  if (!num || !Number.isFinite(num)) return 0
  if (den === undefined) return num
  return den ? num / den : 0
}

function rotationOf(stream: ProbeStream): number {
  const side = stream.side_data_list?.find((d) => typeof d.rotation === 'number')
  const raw = side?.rotation ?? Number(stream.tags?.rotate ?? 0)
  return ((Math.round(raw) % 360) + 360) % 360
}

export function validateProbe(probe: ProbeJson): MediaInfo {
  const formatName = probe.format?.format_name ?? ''
  const demuxer = allowedContainers[formatName]
  if (!demuxer)
    throw new MediaError('UNSUPPORTED_CONTAINER', `container ${formatName || 'unknown'}`)

  const streams = probe.streams ?? []
  // Cover art is a video stream of one picture; it is not the match.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)
  if (!video) throw new MediaError('NO_VIDEO_STREAM', `streams: ${streams.length}`)
  const videoCodec = video.codec_name ?? 'unknown'
  if (!allowedVideoCodecs.has(videoCodec)) {
    throw new MediaError('UNSUPPORTED_CODEC', `video codec ${videoCodec}`)
  }
  const audio = streams.find((s) => s.codec_type === 'audio')
  if (audio && !allowedAudioCodecs.has(audio.codec_name ?? '')) {
    throw new MediaError('UNSUPPORTED_CODEC', `audio codec ${audio.codec_name ?? 'unknown'}`)
  }

  const duration = Number(probe.format?.duration ?? video.duration)
  if (!Number.isFinite(duration) || duration <= 0) {
    throw new MediaError('INVALID_MEDIA', `duration ${probe.format?.duration ?? 'missing'}`)
  }
  if (duration > limits.maxDurationSeconds) {
    throw new MediaError('TOO_LONG', `duration ${duration}s`)
  }

  const codedW = video.width ?? 0
  const codedH = video.height ?? 0
  if (codedW <= 0 || codedH <= 0) throw new MediaError('INVALID_MEDIA', 'no frame size')
  const sar = parseRate(video.sample_aspect_ratio) || 1
  let width = Math.round(codedW * sar)
  let height = codedH
  // ffmpeg auto-rotates on decode, so a phone's 90° clip comes out portrait.
  if (rotationOf(video) % 180 === 90) [width, height] = [height, width]
  if (
    Math.max(width, height) > limits.maxLongSide ||
    Math.min(width, height) > limits.maxShortSide
  ) {
    throw new MediaError('RESOLUTION_TOO_HIGH', `${width}x${height}`)
  }

  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate)
  if (!fps) throw new MediaError('INVALID_MEDIA', 'no frame rate')
  if (fps > limits.maxFps) throw new MediaError('FRAME_RATE_TOO_HIGH', `${fps} fps`)

  return {
    formatName,
    demuxer,
    durationSeconds: duration,
    width,
    height,
    fps,
    videoCodec,
    videoStreamIndex: video.index ?? 0,
    audioCodec: audio?.codec_name ?? null,
    hasAudio: Boolean(audio),
  }
}
