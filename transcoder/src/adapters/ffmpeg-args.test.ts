import { describe, expect, it } from 'vitest'
import { chooseLadder } from '../service/ladder'
import type { MediaInfo } from '../service/validate'
import { libx264Strategy, nvencStrategy } from './encoders'
import { ffprobeArgs, ladderArgs } from './ffmpeg-args'
import { classifyProbeFailure } from './ffmpeg'
import { limitedCommand } from './process'

const media: MediaInfo = {
  formatName: 'matroska,webm',
  demuxer: 'matroska',
  durationSeconds: 30,
  width: 1920,
  height: 1080,
  fps: 30,
  videoCodec: 'h264',
  videoStreamIndex: 0,
  audioCodec: 'aac',
  hasAudio: true,
}

function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []))
}

describe('ladder arguments', () => {
  const rungs = chooseLadder(media)

  it('decodes once and splits into every rung, sandboxed and with the forced demuxer', () => {
    const args = ladderArgs('/in.mkv', media, libx264Strategy(), { rungs, hlsDir: '/out/hls' })
    expect(args.filter((a) => a === '-i')).toHaveLength(1)
    const input = args.indexOf('-i')
    expect(args.slice(input - 6, input + 2)).toEqual([
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,mxf',
      '-f',
      'matroska',
      '-i',
      '/in.mkv',
    ])
    const graph = valuesOf(args, '-filter_complex')[0]!
    expect(graph.startsWith('[0:v:0]split=4[s0][s1][s2][s3]')).toBe(true)
    expect(graph).toContain('scale=640:360')
    expect(graph).toContain('scale=1920:1080')
    expect(valuesOf(args, '-hls_time')).toEqual(['6', '6', '6', '6'])
    expect(valuesOf(args, '-force_key_frames')).toEqual(Array(4).fill('expr:gte(t,n_forced*2)'))
    expect(valuesOf(args, '-sc_threshold')).toEqual(['0', '0', '0', '0'])
    expect(valuesOf(args, '-b:a')).toEqual(['128k', '128k', '128k', '128k'])
    expect(valuesOf(args, '-preset')).toEqual(Array(4).fill('veryfast'))
    expect(args).toContain('/out/hls/360p/index.m3u8')
    expect(valuesOf(args, '-progress')).toEqual(['pipe:1'])
  })

  it('drops audio mapping for a silent source', () => {
    const args = ladderArgs('/in.mkv', { ...media, hasAudio: false }, libx264Strategy(), {
      rungs,
      hlsDir: '/o',
    })
    expect(args).not.toContain('0:a:0')
    expect(args.filter((a) => a === '-an')).toHaveLength(4)
  })

  it('adds a storyboard branch from the same decode when asked', () => {
    const args = ladderArgs('/in.mkv', media, libx264Strategy(), {
      rungs: rungs.slice(0, 1),
      hlsDir: '/o',
      thumbsDir: '/t',
      thumbHeight: 180,
    })
    const graph = valuesOf(args, '-filter_complex')[0]!
    expect(graph).toContain('split=2')
    expect(graph).toContain('scale=320:180')
    expect(args.at(-1)).toBe('/t/thumb_%05d.jpg')
  })

  it('uses NVDEC, scale_cuda and h264_nvenc with IDR keyframes on the GPU path', () => {
    const args = ladderArgs('/in.mkv', media, nvencStrategy(), {
      rungs,
      hlsDir: '/o',
      thumbsDir: '/t',
    })
    expect(args.slice(args.indexOf('-hwaccel'), args.indexOf('-hwaccel') + 4)).toEqual([
      '-hwaccel',
      'cuda',
      '-hwaccel_output_format',
      'cuda',
    ])
    const graph = valuesOf(args, '-filter_complex')[0]!
    expect(graph).toContain('scale_cuda=1280:720:format=nv12')
    expect(graph).toContain('hwdownload,format=nv12')
    expect(valuesOf(args, '-c:v').filter((c) => c === 'h264_nvenc')).toHaveLength(4)
    expect(valuesOf(args, '-forced-idr')).toEqual(['1', '1', '1', '1'])
  })

  it('names the unsupported combination', () => {
    expect(() => libx264Strategy('lightspeed')).toThrow(/libx264 with preset "lightspeed"/)
  })

  it('probes with the same sandbox', () => {
    const args = ffprobeArgs('/x.mp4')
    expect(valuesOf(args, '-protocol_whitelist')).toEqual(['file'])
    expect(valuesOf(args, '-format_whitelist')[0]).not.toContain('hls')
  })

  it('runs under prlimit when a memory cap is set', () => {
    const [bin, argv] = limitedCommand('ffmpeg', ['-version'], 1024)
    expect(bin).toMatch(/prlimit$/)
    expect(argv).toEqual(['--as=1024', '--', 'ffmpeg', '-version'])
    expect(limitedCommand('ffmpeg', ['-version'], 0)).toEqual(['ffmpeg', ['-version']])
  })
})

describe('probe failure classification', () => {
  it('tells a refused demuxer from unreadable data', () => {
    const refused = classifyProbeFailure(
      "[hls @ 0x55] Format not on whitelist 'mov,mp4'\nx.mp4: Invalid argument",
    )
    expect(refused.code).toBe('UNSUPPORTED_CONTAINER')
    expect(refused.detail).toContain('hls')
    expect(classifyProbeFailure('moov atom not found\nInvalid data found').code).toBe(
      'INVALID_MEDIA',
    )
  })
})
