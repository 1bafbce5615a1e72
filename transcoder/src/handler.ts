// The transcode message handler: fetch the original, run the service, publish what it produces,
// and turn every failure into an Outcome. It never throws for a bad file.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import type { MediaStatus } from '../../contracts/enums.ts'
import type { AssetPatch } from './adapters/db'
import type { Storage } from './adapters/storage'
import { humanMessage, toMediaError, type MediaErrorCode } from './errors'
import type { Logger } from './log'
import type { ClipExportMessage, JobMessage, JobType, Outcome, TranscodeMessage } from './messages'
import { AbortedError, probeFile, runFfmpeg } from './adapters/ffmpeg'
import { clipArgs, clipRange } from './service/clip'
import { validateProbe } from './service/validate'
import type { PublishedRung } from './service/hls'
import { transcodeFile, type EncoderChoice } from './service/transcode'

export interface HandlerContext {
  storage: Storage
  /**
   * Writes the job's asset (and moves its status) through the lease: false, and nothing written,
   * once the lease is lost.
   */
  updateAsset: (patch: AssetPatch, status?: MediaStatus) => Promise<boolean>
  logger: Logger
  /** Aborted on shutdown hand-back or a lost lease; `reason` says which. */
  signal: AbortSignal
  interruptReason: () => 'shutdown' | 'lease-lost'
  onProgress: (fraction: number) => void
  encoder: EncoderChoice
  x264Preset: string
  ffmpegMemoryBytes: number
  ffmpegMaxRunSeconds: number
  tempRoot?: string
}

type Handler<M extends JobMessage> = (message: M, ctx: HandlerContext) => Promise<Outcome>

export const progressWriteIntervalMs = 2000

function renditionsJson(rungs: PublishedRung[]) {
  return rungs.map((r) => ({
    name: r.name,
    width: r.width,
    height: r.height,
    bandwidth: r.bandwidth,
    averageBandwidth: r.averageBandwidth,
    codecs: r.codecs,
    playlist: r.playlist,
  }))
}

/** The original must be this asset's own upload: the payload is data, keys are checked. */
function sourceProblem(message: JobMessage): Outcome | null {
  const { originalKey, keys } = message
  if (originalKey.startsWith(keys.originals) && !originalKey.includes('..')) return null
  return failure('SOURCE_MISSING', `original ${originalKey} is outside ${keys.originals}`, false)
}

const handleTranscode: Handler<TranscodeMessage> = async (message, ctx) => {
  const { storage, logger } = ctx
  const { keys } = message
  const refused = sourceProblem(message)
  if (refused) return refused
  const work = await mkdtemp(join(ctx.tempRoot ?? tmpdir(), `rugbycodex-${message.jobId}-`))
  let lastWrite = 0
  let published: PublishedRung[] = []
  let bytes = 0
  try {
    await ctx.updateAsset(
      { processing_stage: 'probing', progress: 0, error_code: null, error_message: null },
      'transcoding',
    )
    const input = join(work, `source${extname(message.originalKey).slice(0, 8) || '.bin'}`)
    await storage.download(message.originalKey, input, ctx.signal)

    const upload = async (files: string[]) => {
      // Media playlists and segments before the master: a player never sees a rung it can't load.
      const ordered = [...files].sort((a, b) => rank(a) - rank(b))
      for (const file of ordered)
        bytes += await storage.upload(keys.at(file), join(work, 'out', file))
    }

    const summary = await transcodeFile({
      input,
      outDir: join(work, 'out'),
      scratchDir: join(work, 'scratch'),
      encoder: ctx.encoder,
      x264Preset: ctx.x264Preset,
      limits: { memoryBytes: ctx.ffmpegMemoryBytes, maxRunSeconds: ctx.ffmpegMaxRunSeconds },
      logger,
      signal: ctx.signal,
      onProbed: async (media) => {
        await ctx.updateAsset({
          processing_stage: 'transcoding',
          duration_seconds: media.durationSeconds,
          width: media.width,
          height: media.height,
        })
      },
      onProgress: (fraction) => {
        ctx.onProgress(fraction)
        const now = Date.now()
        if (now - lastWrite < progressWriteIntervalMs) return
        lastWrite = now
        ctx
          .updateAsset({ progress: Math.round(fraction * 1000) / 1000 })
          .catch((error: unknown) => logger.warn('progress_write_failed', { error }))
      },
      onPublish: async (publication) => {
        await upload(publication.files)
        published = publication.rungs
        const done = publication.stage === 'ladder' || publication.rungs.length === 1
        await ctx.updateAsset(
          {
            playable: true,
            master_playlist_key: keys.at(publication.masterPath),
            renditions: renditionsJson(publication.rungs),
            renditions_bytes: bytes,
            poster_key: keys.poster,
            storyboard_vtt_key: keys.storyboardVtt,
            processing_stage: done ? 'finishing' : `playable at ${publication.rungs[0]?.name}`,
          },
          done ? 'transcoded' : undefined,
        )
        logger.info('published', {
          stage: publication.stage,
          rungs: publication.rungs.map((r) => r.name),
        })
      },
    })
    // complete_job turns the asset `complete` at 100 % when the lease commits the success.
    return {
      status: 'succeeded',
      result: {
        encoder: summary.encoder,
        fallback: summary.fallback,
        rungs: summary.rungs.map((r) => r.name),
        durationSeconds: summary.media.durationSeconds,
        firstRungSeconds: summary.timings.firstRungSeconds,
        totalSeconds: summary.timings.totalSeconds,
      },
    }
  } catch (error) {
    if (error instanceof AbortedError || ctx.signal.aborted) {
      return { status: 'interrupted', reason: ctx.interruptReason() }
    }
    const failed = toMediaError(error)
    logger.warn('transcode_failed', {
      code: failed.code,
      detail: failed.detail,
      retryable: failed.retryable,
    })
    if (!failed.retryable || message.attempt >= message.maxAttempts) {
      // No partial renditions: take back everything this asset's outputs may have left behind.
      await removeOutputs(storage, keys.outputs, logger)
      await ctx.updateAsset({
        playable: false,
        master_playlist_key: null,
        renditions: [],
        renditions_bytes: 0,
        poster_key: null,
        storyboard_vtt_key: null,
        processing_stage: null,
      })
    } else if (published.length === 0) {
      await ctx.updateAsset({ processing_stage: 'waiting to retry' })
    }
    return failure(failed.code, failed.detail, failed.retryable, failed.message)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

const handleClipExport: Handler<ClipExportMessage> = async (message, ctx) => {
  const { storage, logger } = ctx
  const refused = sourceProblem(message)
  if (refused) return refused
  // The key comes from the job row, written by the API; still, only ever write under this asset.
  const exportsPrefix = message.keys.exports
  if (!message.key.startsWith(exportsPrefix) || message.key.includes('..')) {
    return failure('INVALID_MEDIA', `export key ${message.key} is outside ${exportsPrefix}`, false)
  }
  const work = await mkdtemp(join(ctx.tempRoot ?? tmpdir(), `rugbycodex-${message.jobId}-`))
  try {
    const input = join(work, `source${extname(message.originalKey).slice(0, 8) || '.bin'}`)
    await storage.download(message.originalKey, input, ctx.signal)
    const limits = { timeoutMs: ctx.ffmpegMaxRunSeconds * 1000, memoryBytes: ctx.ffmpegMemoryBytes }
    const media = validateProbe(await probeFile(input, { ...limits, timeoutMs: 60_000 }))
    const range = clipRange(message, media)
    const output = join(work, 'clip.mp4')
    const seconds = range.endSeconds - range.startSeconds
    await runFfmpeg({
      args: clipArgs(input, media, range, output, ctx.x264Preset),
      limits,
      signal: ctx.signal,
      onTime: (done) => ctx.onProgress(Math.min(1, done / seconds)),
    })
    const bytes = await storage.upload(message.key, output)
    logger.info('clip_exported', { segmentId: message.segmentId, bytes, seconds })
    return { status: 'succeeded', result: { key: message.key, bytes, durationSeconds: seconds } }
  } catch (error) {
    if (error instanceof AbortedError || ctx.signal.aborted) {
      return { status: 'interrupted', reason: ctx.interruptReason() }
    }
    const failed = toMediaError(error)
    logger.warn('clip_export_failed', { code: failed.code, detail: failed.detail })
    return failure(failed.code, failed.detail, failed.retryable, failed.message)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

function rank(file: string): number {
  if (file.endsWith('master.m3u8')) return 2
  if (file.endsWith('.m3u8')) return 1
  return 0
}

async function removeOutputs(storage: Storage, prefixes: string[], logger: Logger) {
  for (const outputs of prefixes) {
    try {
      await storage.deletePrefix(outputs)
    } catch (error) {
      logger.error('output_cleanup_failed', { prefix: outputs, error })
    }
  }
}

function failure(
  code: MediaErrorCode,
  detail: string,
  retryable: boolean,
  message?: string,
): Outcome {
  const text = message ?? humanMessage(code)
  return retryable
    ? { status: 'retry', code, message: text, detail }
    : { status: 'failed', code, message: text, detail }
}

export const handlers: { [T in JobType]: Handler<Extract<JobMessage, { type: T }>> } = {
  transcode: handleTranscode,
  export: handleClipExport,
}

export function dispatch(message: JobMessage, ctx: HandlerContext): Promise<Outcome> {
  const handler = handlers[message.type] as Handler<JobMessage>
  return handler(message, ctx)
}
