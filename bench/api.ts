// API bench part (`npm run bench -- api`): boots a throwaway platform (memory database, free
// ports, no worker, no SPA), runs supabase/functions/_bench/api-bench.ts under Deno with that
// platform's environment, and returns the JSON object it prints (rps, p50/p95 with and without
// the cache). The platform is stopped whatever happens.
import { join } from 'node:path'
import { runToEnd } from '../local/src/children'
import { everyPortFree, repoRoot } from '../local/src/config'
import { denoBin, denoEnv, writeTestConfig } from '../local/src/functions'
import { startPlatform } from '../local/src/platform'

export async function runApiBench(): Promise<Record<string, unknown>> {
  const functionsDir = join(repoRoot, 'supabase', 'functions')
  const platform = await startPlatform({
    dataDir: 'memory',
    ports: everyPortFree,
    withWorker: false,
    withSpa: false,
    withFunctions: true,
    log: () => {},
  })
  const testConfig = writeTestConfig(functionsDir)
  try {
    const { stdout, stderr, code } = await runToEnd(
      denoBin,
      ['run', '-A', ...testConfig.args, join(functionsDir, '_bench', 'api-bench.ts')],
      { cwd: functionsDir, env: { ...denoEnv(platform.env), LOG_SILENT: '1' } },
    )
    // The bench prints exactly one JSON object; anything else on stdout is ignored.
    const line = stdout
      .split('\n')
      .reverse()
      .find((l) => l.trim().startsWith('{'))
    if (code !== 0 || !line) {
      throw new Error(
        `api-bench exited ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`,
      )
    }
    return JSON.parse(line) as Record<string, unknown>
  } finally {
    testConfig.cleanup()
    await platform.stop()
  }
}
