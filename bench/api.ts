// API bench part (`npm run bench -- api`): boots a throwaway platform (memory database, free
// ports, no worker, no SPA), runs supabase/functions/_bench/api-bench.ts under Deno with that
// platform's environment, and returns the JSON object it prints (rps, p50/p95 with and without
// the cache). The platform is stopped whatever happens.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../local/src/config'
import { denoBin, denoEnv, writeTestConfig } from '../local/src/functions'
import { startPlatform } from '../local/src/platform'

export async function runApiBench(): Promise<Record<string, unknown>> {
  const functionsDir = join(repoRoot, 'supabase', 'functions')
  const platform = await startPlatform({
    dataDir: 'memory',
    ports: { gateway: 0, db: 0, s3: 0, functions: 0, spa: 0, workerHealth: 0 },
    withWorker: false,
    withSpa: false,
    withFunctions: true,
    log: () => {},
  })
  const testConfig = writeTestConfig(functionsDir)
  try {
    const { stdout, stderr, code } = await new Promise<{
      stdout: string
      stderr: string
      code: number
    }>((resolve) => {
      const child = spawn(
        denoBin,
        ['run', '-A', ...testConfig.args, join(functionsDir, '_bench', 'api-bench.ts')],
        { cwd: functionsDir, env: { ...denoEnv(platform.env), LOG_SILENT: '1' } },
      )
      let out = ''
      let err = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      child.on('error', (error) => resolve({ stdout: out, stderr: String(error), code: 1 }))
      child.on('close', (exitCode) => resolve({ stdout: out, stderr: err, code: exitCode ?? 1 }))
    })
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
