// The ffmpeg/ffprobe adapter: runs the binaries under limits and turns their failures into the
// MediaError codes of TX-2. Decisions about what to run live in the service layer.
import { open } from 'node:fs/promises'
import { MediaError } from '../errors'
import type { ProbeJson } from '../service/validate'
import { ffprobeArgs } from './ffmpeg-args'
import type { RunLimits } from './process'
import { runProcess } from './process'

export const ffmpegBin = process.env.FFMPEG_PATH ?? 'ffmpeg'
export const ffprobeBin = process.env.FFPROBE_PATH ?? 'ffprobe'

export class AbortedError extends Error {
  constructor() {
    super('aborted')
    this.name = 'AbortedError'
  }
}

// Text formats that name other files; refused before ffprobe even sees them (the demuxer
// whitelist refuses them too — this gives the clearer code and is a second lock on the door).
const playlistSignatures = ['#EXTM3U', 'ffconcat', '#EXTINF']

async function sniff(input: string): Promise<string> {
  const handle = await open(input, 'r').catch((error: unknown) => {
    throw new MediaError('SOURCE_MISSING', String(error))
  })
  try {
    const buffer = Buffer.alloc(64)
    const { bytesRead } = await handle.read(buffer, 0, 64, 0)
    return buffer
      .subarray(0, bytesRead)
      .toString('latin1')
      .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
  } finally {
    await handle.close()
  }
}

/** Maps ffprobe's refusal to an error code: a demuxer that exists but isn't allowed vs garbage. */
export function classifyProbeFailure(stderr: string): MediaError {
  const refused = /\[([\w,]+) @ [^\]]+\] Format not on whitelist/.exec(stderr)
  if (refused) return new MediaError('UNSUPPORTED_CONTAINER', `demuxer ${refused[1]} refused`)
  return new MediaError('INVALID_MEDIA', stderr.trim().split('\n').slice(-2).join(' | '))
}

export async function probeFile(input: string, limits: RunLimits): Promise<ProbeJson> {
  const head = await sniff(input)
  const signature = playlistSignatures.find((s) => head.trimStart().startsWith(s))
  if (signature) throw new MediaError('UNSUPPORTED_CONTAINER', `playlist/list file (${signature})`)
  if (head.length === 0) throw new MediaError('INVALID_MEDIA', 'empty file')

  const result = await runProcess(ffprobeBin, ffprobeArgs(input), limits)
  if (result.timedOut) throw new MediaError('TIMEOUT', 'ffprobe exceeded its time limit')
  if (result.code !== 0) throw classifyProbeFailure(result.stderr)
  try {
    return JSON.parse(result.stdout) as ProbeJson
  } catch {
    throw new MediaError('INVALID_MEDIA', 'ffprobe output unreadable')
  }
}

export interface FfmpegRun {
  args: string[]
  limits: RunLimits
  signal?: AbortSignal
  /** Called with media seconds done, parsed from -progress. */
  onTime?: (seconds: number) => void
}

export async function runFfmpeg(run: FfmpegRun): Promise<void> {
  const result = await runProcess(ffmpegBin, run.args, {
    ...run.limits,
    signal: run.signal,
    onStdoutLine: (line) => {
      const match = /^out_time_us=(\d+)/.exec(line)
      if (match && run.onTime) run.onTime(Number(match[1]) / 1e6)
    },
  })
  if (result.aborted) throw new AbortedError()
  if (result.timedOut) throw new MediaError('TIMEOUT', 'ffmpeg exceeded its time limit')
  if (result.code !== 0) {
    const tail = result.stderr.trim().split('\n').slice(-3).join(' | ')
    throw new MediaError('TRANSCODE_FAILED', `ffmpeg exit ${result.code ?? result.signal}: ${tail}`)
  }
}

/** Runs ffprobe on one of our own outputs (trusted) and returns the JSON. */
export async function probeOutput(path: string, extra: string[] = []): Promise<ProbeJson> {
  const result = await runProcess(
    ffprobeBin,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...extra, path],
    { timeoutMs: 30_000, memoryBytes: 0 },
  )
  if (result.code !== 0) throw new Error(`ffprobe ${path}: ${result.stderr.trim()}`)
  return JSON.parse(result.stdout) as ProbeJson
}

let nvencAvailable: Promise<boolean> | undefined

/** Capability probe: NVENC only counts if a real 0.1 s encode on the GPU works. */
export function detectNvenc(): Promise<boolean> {
  nvencAvailable ??= (async () => {
    const list = await runProcess(ffmpegBin, ['-hide_banner', '-encoders'], {
      timeoutMs: 15_000,
      memoryBytes: 0,
    }).catch(() => null)
    if (!list || list.code !== 0 || !list.stdout.includes('h264_nvenc')) return false
    const trial = await runProcess(
      ffmpegBin,
      [
        '-hide_banner',
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'color=s=256x256:d=0.1',
        '-c:v',
        'h264_nvenc',
        '-f',
        'null',
        '-',
      ],
      { timeoutMs: 30_000, memoryBytes: 0 },
    ).catch(() => null)
    return trial?.code === 0
  })()
  return nvencAvailable
}
