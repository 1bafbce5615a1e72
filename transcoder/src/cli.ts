// `npm run transcode -- <input> <output-dir>`: the worker's pipeline on a local file, no queue and
// no storage, for operators debugging a file a coach could not upload.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { toMediaError } from './errors'
import { createLogger } from './log'
import { transcodeFile, type EncoderChoice } from './service/transcode'

async function main(argv: string[]): Promise<number> {
  const [input, output] = argv
  if (!input || !output) {
    process.stderr.write('usage: npm run transcode -- <input-file> <output-dir>\n')
    return 2
  }
  // Logs go to stderr so stdout carries only the summary.
  const logger = createLogger({ jobId: 'cli' }, (line) => process.stderr.write(`${line}\n`))
  const scratch = await mkdtemp(join(tmpdir(), 'rugbycodex-cli-'))
  let lastTenth = -1
  try {
    const summary = await transcodeFile({
      input: resolve(input),
      outDir: resolve(output),
      scratchDir: scratch,
      encoder: (process.env.FFMPEG_ENCODER || 'auto') as EncoderChoice,
      x264Preset: process.env.X264_PRESET || 'veryfast',
      limits: {
        memoryBytes: Number(process.env.WORKER_FFMPEG_MEMORY_MB || 4096) * 1024 * 1024,
        maxRunSeconds: Number(process.env.WORKER_FFMPEG_TIMEOUT_SECONDS || 6 * 3600),
      },
      logger,
      onProgress: (fraction) => {
        const tenth = Math.floor(fraction * 10)
        if (tenth > lastTenth) {
          lastTenth = tenth
          process.stderr.write(`progress ${Math.round(fraction * 100)}%\n`)
        }
      },
    })
    const { media } = summary
    const lines = [
      `input      ${input}`,
      `source     ${media.formatName} ${media.videoCodec} ${media.width}x${media.height} ` +
        `${media.fps.toFixed(2)} fps, ${media.durationSeconds.toFixed(1)} s, ` +
        `audio ${media.audioCodec ?? 'none'}`,
      `encoder    ${summary.encoder}${summary.fallback ? ' (fell back from nvenc)' : ''}`,
      ...summary.rungs.map(
        (r) =>
          `rung       ${r.name.padEnd(6)} ${`${r.width}x${r.height}`.padEnd(10)} ` +
          `peak ${Math.round(r.bandwidth / 1000)} kb/s, avg ${Math.round(r.averageBandwidth / 1000)} kb/s, ` +
          `${r.segments} segments, ${r.codecs}`,
      ),
      `master     ${join(output, summary.masterPath)}`,
      `poster     ${join(output, summary.posterPath)}`,
      `storyboard ${join(output, summary.storyboardVttPath)} (${summary.storyboard.thumbs} frames)`,
      `time       first rung ${summary.timings.firstRungSeconds.toFixed(1)} s, ` +
        `total ${summary.timings.totalSeconds.toFixed(1)} s ` +
        `(${(media.durationSeconds / summary.timings.totalSeconds).toFixed(2)}× realtime)`,
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
    return 0
  } catch (error) {
    const failure = toMediaError(error)
    process.stdout.write(`failed     ${failure.code}: ${failure.message}\n`)
    if (failure.detail) process.stdout.write(`detail     ${failure.detail}\n`)
    return 1
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

process.exitCode = await main(process.argv.slice(2))
