// `npm run bench`, worker part: realtime factor (media seconds per wall second) of the single-decode
// ladder against one ffmpeg run per rung, on a generated 1080p 30 s input, libx264 veryfast, CPU.
// The NVENC path cannot be measured on these machines (no GPU).
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { libx264Strategy } from '../src/adapters/encoders'
import { ladderArgs } from '../src/adapters/ffmpeg-args'
import { probeFile, runFfmpeg } from '../src/adapters/ffmpeg'
import { chooseLadder } from '../src/service/ladder'
import { validateProbe } from '../src/service/validate'
import { makeVideo } from '../test/support/media'

export async function runWorkerBench(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'rugbycodex-bench-'))
  try {
    const input = await makeVideo(join(dir, 'match.mp4'), {
      width: 1920,
      height: 1080,
      seconds: 30,
      fps: 30,
      audio: true,
    })
    const media = validateProbe(await probeFile(input, { timeoutMs: 60_000, memoryBytes: 0 }))
    const rungs = chooseLadder(media)
    const encoder = libx264Strategy('veryfast')
    const limits = { timeoutMs: 30 * 60_000, memoryBytes: 0 }
    const encode = async (name: string, subset: typeof rungs) => {
      const hlsDir = join(dir, name)
      for (const rung of subset) await mkdir(join(hlsDir, rung.name), { recursive: true })
      const started = performance.now()
      await runFfmpeg({
        args: ladderArgs(input, media, encoder, { rungs: subset, hlsDir }),
        limits,
      })
      return (performance.now() - started) / 1000
    }

    const singleSeconds = await encode('single', rungs)
    let perRungSeconds = 0
    for (const rung of rungs) perRungSeconds += await encode(`rung-${rung.name}`, [rung])
    // TX-5 as the worker runs it: 360p alone first, then the rest in one decode.
    const firstRungSeconds = await encode('first', rungs.slice(0, 1))
    const restSeconds = await encode('rest', rungs.slice(1))

    const rtf = (seconds: number) => media.durationSeconds / seconds
    return {
      input: `1080p ${media.fps} fps, ${media.durationSeconds} s, libx264 veryfast, ${cpus().length} cores`,
      rungs: rungs.map((r) => r.name).join(','),
      singleDecodeRealtime: rtf(singleSeconds),
      perRungRealtime: rtf(perRungSeconds),
      singleVsPerRungSpeedup: perRungSeconds / singleSeconds,
      workerPipeline: {
        firstRungPlayableAfterSeconds: firstRungSeconds,
        totalSeconds: firstRungSeconds + restSeconds,
        realtime: rtf(firstRungSeconds + restSeconds),
      },
      note: 'CPU only; the NVENC path cannot be measured on these machines (no GPU).',
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
