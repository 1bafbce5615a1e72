import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from './config'
import { denoBin, denoConfigArgs, denoEnv } from './functions'
import { prefixed, consoleLog } from './log'
import { startPlatform } from './platform'

/**
 * The functions test tier: a throwaway platform (memory database, free ports, no worker, no SPA),
 * then `deno test` over supabase/functions with that platform's environment.
 */
async function main(): Promise<number> {
  const functionsDir = join(repoRoot, 'supabase', 'functions')
  const platform = await startPlatform({
    dataDir: 'memory',
    ports: { gateway: 0, db: 0, s3: 0, functions: 0, spa: 0, workerHealth: 0 },
    withWorker: false,
    withSpa: false,
    withFunctions: true,
    // A scheduled sweep running beside a test that sweeps and counts would race it; the local
    // cron has its own tests (cron.test.ts).
    withCron: false,
    seedDemo: false,
    log: prefixed(consoleLog, 'platform'),
  })
  try {
    const extra = process.argv.slice(2)
    const code = await new Promise<number>((resolve) => {
      const child = spawn(
        denoBin,
        ['test', '--allow-all', ...denoConfigArgs(functionsDir), ...extra, functionsDir],
        { cwd: functionsDir, env: denoEnv(platform.env), stdio: 'inherit' },
      )
      child.on('error', () => resolve(1))
      child.on('close', (exitCode) => resolve(exitCode ?? 1))
    })
    return code
  } finally {
    await platform.stop()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test-functions failed: ${(error as Error).stack ?? String(error)}`)
    process.exit(1)
  },
)
