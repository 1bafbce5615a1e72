// TX-3: one strategy object per encoder builds the encoder-specific parts of the ffmpeg command;
// everything shared (inputs, filter graph layout, HLS muxing) lives in ffmpeg-args.ts.
import type { Rung } from '../service/ladder'

export type EncoderName = 'libx264' | 'nvenc'

export const segmentSeconds = 6
export const keyframeSeconds = 2

export interface EncoderStrategy {
  readonly name: EncoderName
  /** Decoder options placed before -i. */
  inputArgs(): string[]
  /** Filter for one rung's branch (from the decoded, split frames to encoder-ready frames). */
  scaleFilter(rung: Rung, sourceFps: number): string
  /** Filter that brings a branch back to system memory for CPU-only filters (storyboard). */
  toSystemMemory(): string
  videoArgs(rung: Rung): string[]
}

// Shared by both encoders so every rung cuts at the same instants: a keyframe exactly every 2 s of
// media time, whatever the frame rate, which is what lets players switch rungs at any segment.
function keyframeArgs(rung: Rung): string[] {
  return [
    '-force_key_frames',
    `expr:gte(t,n_forced*${keyframeSeconds})`,
    // GOP cap of one segment: the forced keyframes come first; this only bounds a weird timebase.
    '-g',
    String(Math.max(1, Math.round(rung.fps * segmentSeconds))),
  ]
}

function fpsCap(rung: Rung, sourceFps: number): string[] {
  // Above 60 fps the extra frames cost bitrate no viewer of a match review needs.
  return sourceFps > rung.fps ? [`fps=${rung.fps}`] : []
}

export const x264Presets = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
] as const

export function libx264Strategy(preset = 'veryfast'): EncoderStrategy {
  if (!(x264Presets as readonly string[]).includes(preset)) {
    throw new Error(`unsupported combination: libx264 with preset "${preset}"`)
  }
  return {
    name: 'libx264',
    inputArgs: () => [],
    scaleFilter: (rung, sourceFps) =>
      [
        ...fpsCap(rung, sourceFps),
        `scale=${rung.width}:${rung.height}`,
        // 10-bit or 4:2:2 sources (phones, ProRes) must become 8-bit 4:2:0 for browser H.264.
        'format=yuv420p',
        'setsar=1',
      ].join(','),
    toSystemMemory: () => 'null',
    videoArgs: (rung) => [
      '-c:v',
      'libx264',
      '-preset',
      preset,
      '-profile:v',
      'high',
      // Capped CRF: constant quality for easy scenes, never above the rung's peak for the player.
      '-crf',
      '23',
      '-maxrate',
      `${rung.maxrateKbps}k`,
      '-bufsize',
      `${rung.maxrateKbps * 2}k`,
      // Scene-cut keyframes would land at different frames in different rungs.
      '-sc_threshold',
      '0',
      ...keyframeArgs(rung),
    ],
  }
}

export function nvencStrategy(): EncoderStrategy {
  return {
    name: 'nvenc',
    inputArgs: () => [
      // Decode on the GPU (NVDEC) and keep frames in GPU memory so scaling never copies to the CPU.
      '-hwaccel',
      'cuda',
      '-hwaccel_output_format',
      'cuda',
    ],
    scaleFilter: (rung, sourceFps) =>
      [
        ...fpsCap(rung, sourceFps),
        // format=nv12 also turns 10-bit sources into the 8-bit input h264_nvenc needs.
        `scale_cuda=${rung.width}:${rung.height}:format=nv12`,
      ].join(','),
    toSystemMemory: () => 'hwdownload,format=nv12',
    videoArgs: (rung) => [
      '-c:v',
      'h264_nvenc',
      // p4 is NVIDIA's balanced preset; the ladder is throughput-bound on a spot GPU.
      '-preset',
      'p4',
      '-profile:v',
      'high',
      '-rc',
      'vbr',
      '-cq',
      '23',
      '-b:v',
      `${Math.round(rung.maxrateKbps * 0.7)}k`,
      '-maxrate',
      `${rung.maxrateKbps}k`,
      '-bufsize',
      `${rung.maxrateKbps * 2}k`,
      // Same reason as sc_threshold 0 for x264: keyframes only where we force them.
      '-no-scenecut',
      '1',
      // NVENC turns forced frames into plain I-frames unless told; segments must start with IDR.
      '-forced-idr',
      '1',
      ...keyframeArgs(rung),
    ],
  }
}

export function strategyFor(name: EncoderName, x264Preset?: string): EncoderStrategy {
  switch (name) {
    case 'libx264':
      return libx264Strategy(x264Preset)
    case 'nvenc':
      return nvencStrategy()
  }
}
