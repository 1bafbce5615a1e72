// The transcoding service: probe → validate → choose the ladder and encoder → encode the lowest
// rung first (with the storyboard from the same decode) and publish it → encode the other rungs in
// one single-decode run and publish them. Shared by the queue worker and the `transcode` CLI.
//
// Why two runs and not one: in a single run every rung finishes at the same moment, so nothing is
// playable until the slowest (1080p) rung is done. The 360p run costs one extra decode but makes the
// match watchable after a fraction of the time (TX-5); the rest still share one decode (TX-3).
import { access, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ASSET_LAYOUT } from '../../../contracts/keys.ts'
import type { EncoderName, EncoderStrategy } from '../adapters/encoders'
import { strategyFor } from '../adapters/encoders'
import { AbortedError, detectNvenc, probeFile, probeOutput, runFfmpeg } from '../adapters/ffmpeg'
import {
  ladderArgs,
  posterArgs,
  spriteArgs,
  storyboardColumns,
  storyboardIntervalSeconds,
  storyboardRows,
  storyboardThumbWidth,
} from '../adapters/ffmpeg-args'
import type { RunLimits } from '../adapters/process'
import { MediaError } from '../errors'
import type { Logger } from '../log'
import { measureSegments, masterPlaylist, avc1Codec, type PublishedRung } from './hls'
import { chooseLadder, type Rung } from './ladder'
import { storyboardVtt, spriteCount, type StoryboardLayout } from './storyboard'
import { validateProbe, type MediaInfo } from './validate'

export type EncoderChoice = 'auto' | EncoderName

export interface TranscodeLimits {
  memoryBytes: number
  /** Upper bound for one ffmpeg run, whatever the duration. */
  maxRunSeconds: number
}

export interface Publication {
  /** Paths relative to the output directory (= storage keys under the asset prefix). */
  files: string[]
  rungs: PublishedRung[]
  masterPath: string
  stage: 'first-rung' | 'ladder'
}

export interface TranscodeOptions {
  input: string
  /** Outputs are laid out exactly like the storage keys under the asset prefix. */
  outDir: string
  /** Scratch space (storyboard thumbnails); removed by the caller. */
  scratchDir: string
  encoder: EncoderChoice
  x264Preset: string
  limits: TranscodeLimits
  logger: Logger
  signal?: AbortSignal
  /** Overall fraction 0–1, called often; throttling is the caller's business. */
  onProgress?: (fraction: number) => void
  onProbed?: (media: MediaInfo) => Promise<void> | void
  /** Called when outputs are complete on disk and may be published. */
  onPublish?: (publication: Publication) => Promise<void>
}

export interface TranscodeSummary {
  media: MediaInfo
  encoder: EncoderName
  fallback: boolean
  rungs: PublishedRung[]
  masterPath: string
  posterPath: string
  storyboardVttPath: string
  storyboard: StoryboardLayout
  timings: { firstRungSeconds: number; totalSeconds: number }
}

const probeLimits = (memoryBytes: number): RunLimits => ({ timeoutMs: 60_000, memoryBytes })

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  )

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2)
}

/** Wall-clock cap for one run: generous for CPU encodes, bounded so a wedged ffmpeg dies. */
export function runTimeoutMs(media: MediaInfo, limits: TranscodeLimits): number {
  return Math.min(limits.maxRunSeconds, 300 + media.durationSeconds * 8) * 1000
}

export async function chooseEncoder(choice: EncoderChoice): Promise<EncoderName> {
  if (choice !== 'auto') return choice
  return (await detectNvenc()) ? 'nvenc' : 'libx264'
}

/** Relative cost of a run, for progress weighting: one decode plus the pixels encoded. */
function runCost(media: MediaInfo, rungs: Rung[]): number {
  const decode = media.width * media.height * 0.5
  return decode + rungs.reduce((sum, r) => sum + r.width * r.height, 0)
}

/** Paths below `dir` of every file under `folder` (a layout folder, ending with `/`). */
async function listFiles(dir: string, folder: string): Promise<string[]> {
  const entries = await readdir(join(dir, folder), { withFileTypes: true })
  const files: string[] = []
  for (const entry of entries) {
    const rel = `${folder}${entry.name}`
    if (entry.isDirectory()) files.push(...(await listFiles(dir, `${rel}/`)))
    else files.push(rel)
  }
  return files.sort()
}

async function describeRung(outDir: string, rung: Rung, media: MediaInfo): Promise<PublishedRung> {
  const dir = join(outDir, ASSET_LAYOUT.rungDir(rung.name))
  const measured = await measureSegments(dir)
  const first = measured.segments[0]
  if (!first) throw new MediaError('TRANSCODE_FAILED', `rung ${rung.name} produced no segments`)
  const probe = await probeOutput(join(dir, first.uri), ['-select_streams', 'v:0'])
  const video = probe.streams?.[0] as { profile?: string; level?: number } | undefined
  const codecs = [avc1Codec(video?.profile, video?.level)]
  if (media.hasAudio) codecs.push('mp4a.40.2')
  return {
    name: rung.name,
    width: rung.width,
    height: rung.height,
    bandwidth: measured.peak,
    averageBandwidth: measured.average,
    codecs: codecs.join(','),
    frameRate: rung.fps,
    playlist: ASSET_LAYOUT.rungPlaylist(rung.name),
    segments: measured.segments.length,
  }
}

export async function transcodeFile(options: TranscodeOptions): Promise<TranscodeSummary> {
  const started = Date.now()
  const { logger, limits, outDir } = options
  const checkAbort = () => {
    if (options.signal?.aborted) throw new AbortedError()
  }

  const media = validateProbe(await probeFile(options.input, probeLimits(limits.memoryBytes)))
  logger.info('probed', { media })
  await options.onProbed?.(media)
  checkAbort()

  const ladder = chooseLadder(media)
  const [firstRung, ...higherRungs] = ladder
  if (!firstRung) throw new MediaError('INVALID_MEDIA', 'no rung fits the source')
  let encoderName = await chooseEncoder(options.encoder)
  let fallback = false
  logger.info('plan', {
    rungs: ladder.map((r) => `${r.name} ${r.width}x${r.height}`),
    encoder: encoderName,
  })

  const thumbHeight = even((storyboardThumbWidth * media.height) / media.width)
  const thumbsDir = join(options.scratchDir, 'thumbs')
  await mkdir(thumbsDir, { recursive: true })
  await mkdir(join(outDir, ASSET_LAYOUT.storyboard), { recursive: true })
  for (const rung of ladder) {
    await mkdir(join(outDir, ASSET_LAYOUT.rungDir(rung.name)), { recursive: true })
  }

  const costs = [runCost(media, [firstRung]), higherRungs.length ? runCost(media, higherRungs) : 0]
  const totalCost = costs[0]! + costs[1]!
  let doneCost = 0
  const report = (runIndex: number, seconds: number) => {
    const fraction = Math.min(1, Math.max(0, seconds / media.durationSeconds))
    options.onProgress?.(Math.min(0.99, (doneCost + costs[runIndex]! * fraction) / totalCost))
  }
  const timeoutMs = runTimeoutMs(media, limits)

  // Runs one ladder encode; a GPU failure is retried once on the CPU and the switch is logged.
  const encode = async (runIndex: number, rungs: Rung[], withThumbs: boolean) => {
    const attempt = (strategy: EncoderStrategy) =>
      runFfmpeg({
        args: ladderArgs(options.input, media, strategy, {
          rungs,
          hlsDir: join(outDir, ASSET_LAYOUT.hls),
          thumbsDir: withThumbs ? thumbsDir : undefined,
          thumbHeight,
        }),
        // CUDA maps far more address space than it uses, so the RLIMIT_AS cap only suits the CPU path.
        limits: { timeoutMs, memoryBytes: strategy.name === 'nvenc' ? 0 : limits.memoryBytes },
        signal: options.signal,
        onTime: (seconds) => report(runIndex, seconds),
      })
    try {
      await attempt(strategyFor(encoderName, options.x264Preset))
    } catch (error) {
      const gpuFailure =
        encoderName === 'nvenc' && error instanceof MediaError && error.code === 'TRANSCODE_FAILED'
      if (!gpuFailure) throw error
      logger.warn('encoder_fallback', { from: 'nvenc', to: 'libx264', reason: error.detail })
      encoderName = 'libx264'
      fallback = true
      await attempt(strategyFor('libx264', options.x264Preset))
    }
    doneCost += costs[runIndex]!
  }

  // Run 1: the lowest rung and the storyboard thumbnails from one decode.
  await encode(0, [firstRung], true)
  checkAbort()

  const thumbs = (await readdir(thumbsDir)).filter((f) => f.endsWith('.jpg')).length
  const storyboard: StoryboardLayout = {
    thumbs,
    thumbWidth: storyboardThumbWidth,
    thumbHeight,
    columns: storyboardColumns,
    rows: storyboardRows,
    intervalSeconds: storyboardIntervalSeconds,
    durationSeconds: media.durationSeconds,
  }
  if (thumbs === 0) throw new MediaError('TRANSCODE_FAILED', 'no storyboard frames decoded')
  const spriteLimits = { timeoutMs: 120_000, memoryBytes: limits.memoryBytes }
  const storyboardDir = join(outDir, ASSET_LAYOUT.storyboard)
  await runFfmpeg({ args: spriteArgs(thumbsDir, storyboardDir), limits: spriteLimits })
  const sprites = (await readdir(storyboardDir)).filter((f) => f.startsWith('sprite_'))
  if (sprites.length !== spriteCount(storyboard)) {
    throw new MediaError(
      'TRANSCODE_FAILED',
      `expected ${spriteCount(storyboard)} sprites, got ${sprites.length}`,
    )
  }
  const storyboardVttPath = ASSET_LAYOUT.storyboardVtt
  await writeFile(join(outDir, storyboardVttPath), storyboardVtt(storyboard))

  // Poster: 10% in (kick-off rather than the black frames before it), capped at one minute.
  const posterRung =
    [...ladder].reverse().find((r) => Math.min(r.width, r.height) <= 720) ?? firstRung
  const posterPath = ASSET_LAYOUT.poster
  // A damaged file can end before the chosen instant (ffmpeg then exits 0 with no picture), so
  // fall back to the first frame before giving up.
  for (const at of [Math.min(60, media.durationSeconds * 0.1), 0]) {
    await runFfmpeg({
      args: posterArgs(
        options.input,
        media,
        at,
        posterRung.width,
        posterRung.height,
        join(outDir, posterPath),
      ),
      limits: { timeoutMs: 120_000, memoryBytes: limits.memoryBytes },
      signal: options.signal,
    })
    if (await exists(join(outDir, posterPath))) break
  }
  if (!(await exists(join(outDir, posterPath)))) {
    throw new MediaError('TRANSCODE_FAILED', 'no decodable frame for the poster')
  }

  const published: PublishedRung[] = [await describeRung(outDir, firstRung, media)]
  const masterPath = ASSET_LAYOUT.master
  await writeFile(join(outDir, masterPath), masterPlaylist(published))
  const firstRungSeconds = (Date.now() - started) / 1000
  logger.info('first_rung_ready', { rung: firstRung.name, seconds: firstRungSeconds })
  await options.onPublish?.({
    files: [
      ...(await listFiles(outDir, ASSET_LAYOUT.rungDir(firstRung.name))),
      ...(await listFiles(outDir, ASSET_LAYOUT.storyboard)),
      posterPath,
      masterPath,
    ],
    rungs: [...published],
    masterPath,
    stage: 'first-rung',
  })
  checkAbort()

  // Run 2: every higher rung from a single decode.
  if (higherRungs.length) {
    await encode(1, higherRungs, false)
    checkAbort()
    const files: string[] = []
    for (const rung of higherRungs) {
      published.push(await describeRung(outDir, rung, media))
      files.push(...(await listFiles(outDir, ASSET_LAYOUT.rungDir(rung.name))))
    }
    await writeFile(join(outDir, masterPath), masterPlaylist(published))
    await options.onPublish?.({
      files: [...files, masterPath],
      rungs: [...published],
      masterPath,
      stage: 'ladder',
    })
  }
  await rm(thumbsDir, { recursive: true, force: true })
  options.onProgress?.(1)

  return {
    media,
    encoder: encoderName,
    fallback,
    rungs: published,
    masterPath,
    posterPath,
    storyboardVttPath,
    storyboard,
    timings: { firstRungSeconds, totalSeconds: (Date.now() - started) / 1000 },
  }
}
