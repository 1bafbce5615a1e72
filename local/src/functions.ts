import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { binDir, localRoot, repoRoot } from './config'
import { spawnChild, type Child } from './children'
import type { Log } from './log'

export interface FunctionsHostOptions {
  port: number
  env: Record<string, string>
  log: Log
  functionsDir?: string
  /** Shared so npm: packages download once for every platform and test run. */
  denoDir?: string
  /** Restart the host when a function's source changes (developer runs; like `functions serve`). */
  watch?: boolean
}

export interface FunctionsHost {
  url: string
  child: Child
  stop(): Promise<void>
}

export const defaultDenoDir = join(repoRoot, '.deno')
export const denoBin = join(binDir, 'deno')

export function denoConfigArgs(functionsDir: string): string[] {
  const config = join(functionsDir, 'deno.json')
  return existsSync(config) ? ['--config', config] : []
}

export function denoEnv(env: Record<string, string>, denoDir = defaultDenoDir): NodeJS.ProcessEnv {
  mkdirSync(denoDir, { recursive: true })
  return { ...process.env, ...env, DENO_DIR: denoDir, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' }
}

/** Starts the Deno host and resolves once it listens (first start may download npm packages). */
export async function startFunctionsHost(options: FunctionsHostOptions): Promise<FunctionsHost> {
  const functionsDir = options.functionsDir ?? join(repoRoot, 'supabase', 'functions')
  mkdirSync(functionsDir, { recursive: true })
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  const child = spawnChild(
    'functions',
    denoBin,
    [
      'run',
      ...(options.watch ? ['--watch', '--no-clear-screen'] : []),
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--allow-sys',
      ...denoConfigArgs(functionsDir),
      join(localRoot, 'deno', 'functions-host.ts'),
    ],
    {
      cwd: functionsDir,
      env: {
        ...denoEnv(options.env, options.denoDir),
        FUNCTIONS_DIR: functionsDir,
        FUNCTIONS_PORT: String(options.port),
      },
      log: options.log,
      onLine: (line) => {
        if (line.startsWith('serving ')) markReady()
      },
    },
  )
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    child.exited.then((code) => code),
  ])
  if (outcome !== 'ready')
    throw new Error(`the Deno functions host exited (code ${outcome}) before it was ready`)
  return { url: `http://127.0.0.1:${options.port}`, child, stop: () => child.stop(5000) }
}
