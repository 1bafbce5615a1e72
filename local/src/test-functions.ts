import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { localRoot, repoRoot } from './config'
import { denoBin, denoEnv, writeTestConfig } from './functions'
import { prefixed, consoleLog } from './log'
import { startPlatform } from './platform'

/** Set in this process only, so the isolation test can prove no function inherits it. */
export const DEVELOPER_ONLY_VARIABLE = 'RUGBYCODEX_DEVELOPER_SHELL_ONLY'

/**
 * The functions test tier: a throwaway platform (memory database, free ports, no worker, no SPA),
 * then `deno test` over supabase/functions with that platform's environment. Two fixture
 * functions (local/deno/fixtures/isolation) are served beside the real ones, so a test can prove
 * that functions share no module state and see only the injected env.
 */
async function main(): Promise<number> {
  const functionsDir = join(repoRoot, 'supabase', 'functions')
  process.env[DEVELOPER_ONLY_VARIABLE] = 'leaked'
  const fixture = join(localRoot, 'deno', 'fixtures', 'isolation')
  const platform = await startPlatform({
    dataDir: 'memory',
    ports: { gateway: 0, db: 0, s3: 0, functions: 0, spa: 0, workerHealth: 0 },
    withWorker: false,
    withSpa: false,
    withFunctions: true,
    // A scheduled sweep running beside a test that sweeps and counts would race it; the local
    // cron has its own tests (cron.test.ts).
    withCron: false,
    extraFunctions: { 'isolation-a': join(fixture, 'a'), 'isolation-b': join(fixture, 'b') },
    log: prefixed(consoleLog, 'platform'),
  })
  const testConfig = writeTestConfig(functionsDir)
  try {
    const extra = process.argv.slice(2)
    const code = await new Promise<number>((resolve) => {
      const child = spawn(
        denoBin,
        ['test', '--allow-all', ...testConfig.args, ...extra, functionsDir],
        {
          cwd: functionsDir,
          env: { ...denoEnv(platform.env), ISOLATION_FIXTURES: 'isolation-a,isolation-b' },
          stdio: 'inherit',
        },
      )
      child.on('error', () => resolve(1))
      child.on('close', (exitCode) => resolve(exitCode ?? 1))
    })
    return code
  } finally {
    testConfig.cleanup()
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
