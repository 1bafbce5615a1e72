import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { binDir, localRoot, repoRoot } from './config'
import { spawnChild, type Child } from './children'
import { loadFunctionsConfig } from './functions-config'
import type { Log } from './log'

export interface FunctionsHostOptions {
  port: number
  /**
   * Exactly what every function's isolate sees: the variables the platform injects plus the
   * project's secrets (config.ts `functionEnv`). Nothing of the platform's own process env.
   */
  env: Record<string, string>
  log: Log
  functionsDir?: string
  /** Extra functions served beside the folder's own, name → folder (test fixtures). */
  extraFunctions?: Record<string, string>
  /** Shared so npm: packages download once for every platform and test run. */
  denoDir?: string
  /** Restart a function's isolate when its source changes (developer runs; like `functions serve`). */
  watch?: boolean
}

export interface FunctionsHost {
  url: string
  child: Child
  /** Each function and the import config it runs with, as the CLI resolves it. */
  functions: ResolvedFunction[]
  /**
   * Settles once every function's first isolate has booted or failed to (the host serves before
   * that: a request waits for its own function). Milliseconds since the host started.
   */
  booted: Promise<{ ms: number; ok: number; total: number }>
  stop(): Promise<void>
}

export const defaultDenoDir = join(repoRoot, '.deno')
export const denoBin = join(binDir, 'deno')
export const defaultFunctionsDir = join(repoRoot, 'supabase', 'functions')

/**
 * The machine's trust and proxy settings. Deno downloads npm packages into DENO_DIR the first
 * time it meets them (a fresh clone, CI), and behind a TLS-inspecting proxy it needs these to
 * reach the registry; NODE_EXTRA_CA_CERTS is Node's, so it is handed to Deno as DENO_CERT too.
 * They are the CLI's, not the function's: the runner drops them once the function has loaded.
 */
export const TRUST_ENV_NAMES = [
  'DENO_CERT',
  'DENO_TLS_CA_STORE',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
]

export function trustEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of TRUST_ENV_NAMES) {
    const value = source[name]
    if (value) out[name] = value
  }
  const extraCa = source.NODE_EXTRA_CA_CERTS
  if (!out.DENO_CERT && extraCa) out.DENO_CERT = extraCa
  return out
}

/**
 * Variables the Deno CLI itself reads. Never a package.json: the repo root has one (npm
 * workspaces), and Deno would otherwise resolve bare specifiers through it and node_modules,
 * which `supabase functions deploy` never uploads.
 */
export function denoEnv(env: Record<string, string>, denoDir = defaultDenoDir): NodeJS.ProcessEnv {
  mkdirSync(denoDir, { recursive: true })
  return {
    ...process.env,
    ...env,
    DENO_DIR: denoDir,
    NO_COLOR: '1',
    DENO_NO_UPDATE_CHECK: '1',
    DENO_NO_PACKAGE_JSON: '1',
  }
}

/**
 * The env of a Deno CLI process that runs no function code itself (the host, the deploy tier's
 * checks): the shared cache and the machine's trust settings, nothing of the repo's package.json.
 */
export function denoCliEnv(denoDir = defaultDenoDir): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DENO_DIR: denoDir,
    NO_COLOR: '1',
    DENO_NO_UPDATE_CHECK: '1',
    DENO_NO_PACKAGE_JSON: '1',
    // For the registry downloads of a first run (`deno bundle` fetches esbuild once into DENO_DIR).
    ...trustEnv(),
  }
}

export interface ResolvedFunction {
  name: string
  /** Absolute path of the folder the function lives in. */
  dir: string
  /** Absolute path of its entrypoint. */
  entrypoint: string
  /** Absolute path of the import config it gets, or undefined when it gets none. */
  importMap?: string
}

/**
 * Each function of `functionsDir` with the import config `supabase functions deploy` sends for
 * it, in the CLI's order (internal/functions/deploy/deploy.go GetFunctionConfig):
 * `import_map` in config.toml > `<fn>/deno.json` > `<fn>/deno.jsonc` > `<fn>/import_map.json` >
 * the fallback `import_map.json` of the functions folder. A `deno.json` of the functions folder
 * itself is never sent, so it never counts here either.
 */
export function resolveFunctions(
  functionsDir = defaultFunctionsDir,
  extraFunctions: Record<string, string> = {},
): ResolvedFunction[] {
  const supabaseDir = resolve(functionsDir, '..')
  // Paths in config.toml are relative to the supabase/ folder, as in the CLI.
  const settings = loadFunctionsConfig(join(supabaseDir, 'config.toml')).functions
  const fallback = join(functionsDir, 'import_map.json')
  const found = new Map<string, string>()
  if (existsSync(functionsDir)) {
    for (const entry of readdirSync(functionsDir, { withFileTypes: true })) {
      // The CLI globs `*/index.ts` and takes slugs matching its pattern; `_shared` is not a slug.
      if (!entry.isDirectory() || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(entry.name)) continue
      if (existsSync(join(functionsDir, entry.name, 'index.ts'))) {
        found.set(entry.name, join(functionsDir, entry.name))
      }
    }
  }
  for (const [name, dir] of Object.entries(extraFunctions)) found.set(name, resolve(dir))
  const resolved: ResolvedFunction[] = []
  for (const [name, dir] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    const own = settings[name] ?? {}
    if (own.enabled === false) continue
    const ownEntry = typeof own.entrypoint === 'string' ? own.entrypoint : undefined
    const ownMap = typeof own.import_map === 'string' ? own.import_map : undefined
    const entrypoint = ownEntry ? resolve(supabaseDir, ownEntry) : join(dir, 'index.ts')
    const candidates = [
      ownMap ? resolve(supabaseDir, ownMap) : undefined,
      join(dir, 'deno.json'),
      join(dir, 'deno.jsonc'),
      join(dir, 'import_map.json'),
      fallback,
    ]
    const importMap = ownMap
      ? candidates[0]
      : candidates.slice(1).find((path) => path && existsSync(path))
    resolved.push({ name, dir, entrypoint, importMap })
  }
  return resolved
}

/** How Deno is told about a function's import config: exactly that file, nothing discovered. */
export function importConfigArgs(importMap: string | undefined): string[] {
  if (!importMap) return ['--no-config']
  if (/(^|\/)deno\.jsonc?$/.test(importMap)) return ['--config', importMap]
  return ['--no-config', '--import-map', importMap]
}

/**
 * A Deno config for `deno test` across the functions folder: the union of every function's
 * imports (tests import modules of several functions and `_shared`). Functions never run with
 * it: the host gives each function its own config, and `npm run test:deploy` proves each one
 * resolves from its own alone. Two functions pinning one name differently is an error here.
 */
export function writeTestConfig(functionsDir = defaultFunctionsDir): {
  args: string[]
  cleanup(): void
} {
  const imports: Record<string, string> = {}
  let compilerOptions: unknown
  for (const fn of resolveFunctions(functionsDir)) {
    if (!fn.importMap) continue
    const config = JSON.parse(readFileSync(fn.importMap, 'utf8')) as {
      imports?: Record<string, string>
      compilerOptions?: unknown
    }
    compilerOptions ??= config.compilerOptions
    for (const [name, target] of Object.entries(config.imports ?? {})) {
      const known = imports[name]
      if (known !== undefined && known !== target) {
        throw new Error(
          `${relative(repoRoot, fn.importMap)} pins ${name} to ${target}, another function to ${known}`,
        )
      }
      imports[name] = target
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'rc-functions-test-config-'))
  const path = join(dir, 'deno.json')
  writeFileSync(
    path,
    JSON.stringify({ imports, nodeModulesDir: 'none', compilerOptions: compilerOptions ?? {} }),
  )
  return {
    // The union has no lockfile of its own: each function's deno.lock pins what it runs with.
    args: ['--config', path, '--no-lock'],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/**
 * Starts the functions host: one Deno process that listens on `port`, routes `/<name>/...` and
 * runs every function in a Deno process of its own (local/deno/functions-host.ts). Resolves
 * once every function has booted or failed to.
 */
export async function startFunctionsHost(options: FunctionsHostOptions): Promise<FunctionsHost> {
  const functionsDir = options.functionsDir ?? defaultFunctionsDir
  mkdirSync(functionsDir, { recursive: true })
  const functions = resolveFunctions(functionsDir, options.extraFunctions)
  // The manifest carries secrets, so it lives in a private temp dir, removed on stop.
  const scratch = mkdtempSync(join(tmpdir(), 'rc-functions-host-'))
  const manifest = join(scratch, 'manifest.json')
  const denoDir = options.denoDir ?? defaultDenoDir
  mkdirSync(denoDir, { recursive: true })
  writeFileSync(
    manifest,
    JSON.stringify({
      port: options.port,
      functionsDir,
      watch: options.watch ?? false,
      runner: join(localRoot, 'deno', 'function-runner.ts'),
      functions: functions.map((fn) => ({ ...fn, configArgs: importConfigArgs(fn.importMap) })),
      env: options.env,
      denoDir,
      trustEnv: trustEnv(),
    }),
    { mode: 0o600 },
  )
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  let markBooted: (value: { ms: number; ok: number; total: number }) => void = () => {}
  const booted = new Promise<{ ms: number; ok: number; total: number }>(
    (resolve) => (markBooted = resolve),
  )
  const child = spawnChild(
    'functions',
    denoBin,
    [
      'run',
      '--no-config',
      '--no-lock',
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--allow-run',
      '--allow-sys',
      join(localRoot, 'deno', 'functions-host.ts'),
      manifest,
    ],
    {
      cwd: functionsDir,
      // The host's own env; each function's isolate gets only the manifest's env.
      env: denoCliEnv(denoDir),
      log: options.log,
      onLine: (line) => {
        if (line.startsWith('serving ')) markReady()
        const done = /^booted (\d+)\/(\d+) functions in (\d+) ms/.exec(line)
        if (done) markBooted({ ok: Number(done[1]), total: Number(done[2]), ms: Number(done[3]) })
      },
    },
  )
  const cleanup = () => rmSync(scratch, { recursive: true, force: true })
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    child.exited.then((code) => code),
  ])
  if (outcome !== 'ready') {
    cleanup()
    throw new Error(`the Deno functions host exited (code ${outcome}) before it was ready`)
  }
  return {
    url: `http://127.0.0.1:${options.port}`,
    child,
    functions,
    booted,
    stop: async () => {
      await child.stop(5000)
      cleanup()
    },
  }
}
