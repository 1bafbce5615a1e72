// Platform figures (issue 2): cold and warm start of the whole local platform, and for the 60 s
// 1080p demo match the time from "upload complete" to playable (first rung) and to complete.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { everyPortFree } from '../local/src/config'
import { startDemoPlatform } from '../local/src/seed-demo'

/** The whole platform as `npm start` runs it, on free ports, quiet. */
const startLikeNpmStart = (dataDir: string) =>
  startDemoPlatform({
    dataDir,
    ports: everyPortFree,
    withWorker: true,
    withSpa: true,
    withFunctions: true,
    seedDemo: true,
    log: () => {},
  })

export async function runPlatformBench(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rc-bench-platform-'))
  try {
    // First start: new database, CLI migrations, demo seed through the real pipeline.
    const first = await startLikeNpmStart(dataDir)
    const seeded = await first.seeding
    await first.stop()

    // Second start reuses the data: what a developer waits for every morning.
    const second = await startLikeNpmStart(dataDir)
    await second.stop()

    return {
      coldStartReadyMs: first.readyMs,
      coldStartProfileMs: first.timings,
      warmStartReadyMs: second.readyMs,
      demoMatch: {
        media: '60 s 1080p H.264 + AAC, libx264 on CPU',
        uploadCompleteToPlayableMs: seeded?.timings?.uploadCompleteToPlayableMs,
        uploadCompleteToCompleteMs: seeded?.timings?.uploadCompleteToCompleteMs,
      },
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
