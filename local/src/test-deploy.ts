// The deploy test tier (`npm run test:deploy`, first in `npm test`): every edge function must
// type-check and bundle from exactly what `supabase functions deploy` uploads for it.
//
// It runs the pinned real CLI (`supabase functions deploy --use-api`, as deploy/supabase/deploy.sh
// does) with a custom `--profile` whose api_url is a local stand-in of the Management API. The
// stand-in answers the calls the CLI makes (seen with --debug: POST /functions/deploy per function,
// with bundleOnly when there are several, then PUT /functions to activate them all) and records
// each multipart upload: the metadata (entrypoint_path, import_map_path, verify_jwt) and every
// file. Then, per function, exactly those files are written into an empty folder and Deno checks
// and bundles the entrypoint with that import map alone (no lockfile: the CLI uploads none).
//
// A fixture whose imports resolve only through a shared `supabase/functions/deno.json` (which the
// CLI never sends) must fail here: that is the negative case that keeps this tier honest.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { binDir, repoRoot } from './config'
import { defaultDenoDir, denoBin, importConfigArgs, resolveFunctions, trustEnv } from './functions'

const supabaseBin = join(binDir, 'supabase')
const projectRef = 'rugbycodexdeploytest'
// The CLI checks the shape of a personal access token; the stand-in checks it is sent.
const accessToken = `sbp_${'0123456789abcdef'.repeat(3).slice(0, 40)}`

interface Upload {
  slug: string
  bundleOnly: boolean
  metadata: {
    entrypoint_path: string
    import_map_path?: string
    name?: string
    verify_jwt?: boolean
    static_patterns?: string[]
  }
  files: Map<string, string>
}

interface ApiCall {
  method: string
  path: string
}

/** The Management API as far as `functions deploy --use-api` uses it. */
async function startManagementApi() {
  const uploads: Upload[] = []
  const calls: ApiCall[] = []
  const unexpected: ApiCall[] = []
  const deployed = new Map<string, Record<string, unknown>>()
  const functionBody = (slug: string, upload: Upload) => {
    const now = Date.now()
    const existing = deployed.get(slug)
    const body = {
      id: (existing?.id as string | undefined) ?? randomUUID(),
      slug,
      name: slug,
      version: ((existing?.version as number | undefined) ?? 0) + 1,
      status: 'ACTIVE',
      entrypoint_path: upload.metadata.entrypoint_path,
      import_map_path: upload.metadata.import_map_path,
      import_map: Boolean(upload.metadata.import_map_path),
      verify_jwt: upload.metadata.verify_jwt ?? true,
      created_at: (existing?.created_at as number | undefined) ?? now,
      updated_at: now,
    }
    deployed.set(slug, body)
    return body
  }
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }
  const base = `/v1/projects/${projectRef}`
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const call = { method: req.method ?? 'GET', path: url.pathname }
      calls.push(call)
      if (req.headers.authorization !== `Bearer ${accessToken}`) {
        send(res, 401, { message: 'Unauthorized' })
        return
      }
      const body = await readBody(req)
      if (call.method === 'POST' && call.path === `${base}/functions/deploy`) {
        const slug = url.searchParams.get('slug') ?? ''
        const form = await new Request('http://127.0.0.1/', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body,
        }).formData()
        const files = new Map<string, string>()
        for (const value of form.getAll('file')) {
          if (typeof value !== 'string') files.set(value.name, await value.text())
        }
        const upload: Upload = {
          slug,
          bundleOnly: url.searchParams.get('bundleOnly') === 'true',
          metadata: JSON.parse(String(form.get('metadata') ?? '{}')) as Upload['metadata'],
          files,
        }
        uploads.push(upload)
        send(res, 201, functionBody(slug, upload))
        return
      }
      if (call.method === 'PUT' && call.path === `${base}/functions`) {
        const list = JSON.parse(body.toString('utf8') || '[]') as { slug: string }[]
        send(res, 200, { functions: list.map((f) => deployed.get(f.slug) ?? f) })
        return
      }
      // Asked on every run that names a project (cmd/root.go ensureProjectGroupsCached).
      if (call.method === 'GET' && call.path === base) {
        send(res, 200, {
          id: projectRef,
          ref: projectRef,
          name: 'RugbyCodex deploy test',
          organization_id: 'rugbycodex-org',
          organization_slug: 'rugbycodex-org',
          region: 'eu-central-1',
          status: 'ACTIVE_HEALTHY',
          created_at: new Date(0).toISOString(),
          database: {
            host: `db.${projectRef}.localhost`,
            postgres_engine: '15',
            release_channel: 'ga',
            version: '15.8.1',
          },
        })
        return
      }
      if (call.method === 'GET' && call.path === `${base}/functions`) {
        send(res, 200, [...deployed.values()])
        return
      }
      unexpected.push(call)
      send(res, 404, { message: `not served by the stand-in: ${call.method} ${call.path}` })
    })().catch((error: unknown) => send(res, 500, { message: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    uploads,
    calls,
    unexpected,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', (error) => resolve({ code: 1, output: `${output}\n${error.message}` }))
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

/** `supabase functions deploy --use-api` from `workdir` against the stand-in; what it uploaded. */
async function deployWithCli(workdir: string, slugs: string[] = []) {
  const api = await startManagementApi()
  const home = mkdtempSync(join(tmpdir(), 'rc-deploy-home-'))
  try {
    const profile = join(home, 'profile.yaml')
    // LoadProfile (internal/utils/profile.go) reads a file when the name is no known profile.
    writeFileSync(
      profile,
      [
        'name: rugbycodex-deploy-test',
        `api_url: ${api.url}`,
        `dashboard_url: ${api.url}/dashboard`,
        'project_host: localhost',
        '',
      ].join('\n'),
    )
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      // A fresh HOME: no developer login, profile or linked project can leak into the run.
      HOME: home,
      SUPABASE_ACCESS_TOKEN: accessToken,
      SUPABASE_TELEMETRY_DISABLED: '1',
      DO_NOT_TRACK: '1',
    }
    const result = await run(
      supabaseBin,
      [
        '--profile',
        profile,
        'functions',
        'deploy',
        ...slugs,
        '--workdir',
        workdir,
        '--project-ref',
        projectRef,
        // The runbook's own flags (deploy/supabase/deploy.sh): bundled server-side, no Docker.
        '--use-api',
        '--jobs',
        '4',
        '--debug',
      ],
      { cwd: workdir, env },
    )
    return { ...result, uploads: api.uploads, calls: api.calls, unexpected: api.unexpected }
  } finally {
    await api.stop()
    rmSync(home, { recursive: true, force: true })
  }
}

/**
 * Writes exactly the uploaded files into `dir` (emptied first) and checks + bundles the
 * entrypoint with the uploaded import map alone. `dir` is stable per function so Deno's type-check
 * cache can be reused between runs (same paths, same contents).
 */
async function checkUpload(upload: Upload, dir: string): Promise<{ ok: boolean; output: string }> {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [path, text] of upload.files) {
    if (path.startsWith('/') || path.split('/').includes('..')) {
      return { ok: false, output: `upload has a path outside the project: ${path}` }
    }
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  const entry = join(dir, upload.metadata.entrypoint_path)
  if (!existsSync(entry)) {
    return {
      ok: false,
      output: `the entrypoint ${upload.metadata.entrypoint_path} was not uploaded`,
    }
  }
  const importMap = upload.metadata.import_map_path
    ? join(dir, upload.metadata.import_map_path)
    : undefined
  if (importMap && !existsSync(importMap)) {
    return {
      ok: false,
      output: `the import map ${upload.metadata.import_map_path} was not uploaded`,
    }
  }
  const env = denoCliEnv()
  const common = [...importConfigArgs(importMap), '--no-lock', '--node-modules-dir=none']
  const check = await run(denoBin, ['check', ...common, entry], { cwd: dir, env })
  if (check.code !== 0) return { ok: false, output: `deno check failed:\n${check.output}` }
  const bundle = await run(
    denoBin,
    ['bundle', ...common, '--platform', 'deno', '--output', join(dir, '.bundle.js'), entry],
    { cwd: dir, env },
  )
  if (bundle.code !== 0) return { ok: false, output: `deno bundle failed:\n${bundle.output}` }
  return { ok: true, output: '' }
}

/** The Deno CLI's env here: the shared cache, and nothing of the repo's package.json. */
function denoCliEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DENO_DIR: defaultDenoDir,
    NO_COLOR: '1',
    DENO_NO_UPDATE_CHECK: '1',
    // Nothing above the checked folder may take part: no package.json, no node_modules.
    DENO_NO_PACKAGE_JSON: '1',
    // The machine's trust settings, for the registry downloads of a first run (`deno bundle`
    // fetches esbuild once into DENO_DIR).
    ...trustEnv(),
  }
}

async function inPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await work(items[index] as T)
      }
    }),
  )
  return results
}

const results: { name: string; ok: boolean; detail?: string }[] = []
function record(name: string, ok: boolean, detail?: string) {
  results.push({ name, ok, detail })
  console.log(`${ok ? '✓' : '✗'} ${name}${ok || !detail ? '' : `\n${indent(detail)}`}`)
}
const indent = (text: string) =>
  text
    .trim()
    .split('\n')
    .slice(-25)
    .map((line) => `    ${line}`)
    .join('\n')

// The project to deploy: this repository, or another checkout's root given as the argument
// (e.g. an older commit, to see this tier fail on it).
const projectRoot = process.argv[2] ?? repoRoot

/**
 * A copy of supabase/ (config.toml and functions) and of contracts/, which the functions import
 * by relative path (the runbook deploys from the repository root, where it sits), so the CLI
 * never writes into the repo.
 */
function copyProject(): string {
  const workdir = mkdtempSync(join(tmpdir(), 'rc-deploy-project-'))
  mkdirSync(join(workdir, 'supabase'), { recursive: true })
  cpSync(join(projectRoot, 'supabase', 'config.toml'), join(workdir, 'supabase', 'config.toml'))
  cpSync(join(projectRoot, 'supabase', 'functions'), join(workdir, 'supabase', 'functions'), {
    recursive: true,
  })
  if (existsSync(join(projectRoot, 'contracts'))) {
    cpSync(join(projectRoot, 'contracts'), join(workdir, 'contracts'), { recursive: true })
  }
  return workdir
}

async function main(): Promise<number> {
  const checkRoot = join(tmpdir(), 'rc-deploy-tier')
  const expected = resolveFunctions(join(projectRoot, 'supabase', 'functions'))

  // 1. The whole project, as the runbook deploys it.
  const workdir = copyProject()
  try {
    const deploy = await deployWithCli(workdir)
    record(
      'the CLI deploys every function against the Management API stand-in',
      deploy.code === 0,
      deploy.output,
    )
    record(
      'the CLI makes only calls the stand-in answers faithfully',
      deploy.unexpected.length === 0,
      deploy.unexpected.map((c) => `${c.method} ${c.path}`).join('\n'),
    )
    const slugs = deploy.uploads.map((u) => u.slug).sort()
    record(
      'one upload per function folder',
      JSON.stringify(slugs) === JSON.stringify(expected.map((f) => f.name)),
      `uploaded: ${slugs.join(', ')}\nexpected: ${expected.map((f) => f.name).join(', ')}`,
    )
    const activated = deploy.calls.some((c) => c.method === 'PUT')
    record(
      'bundled uploads are activated in one bulk update',
      activated && deploy.uploads.every((u) => u.bundleOnly),
    )
    record(
      'no upload carries a shared supabase/functions/deno.json',
      deploy.uploads.every((u) => !u.files.has('supabase/functions/deno.json')),
    )
    for (const fn of expected) {
      const upload = deploy.uploads.find((u) => u.slug === fn.name)
      if (!upload) {
        record(`${fn.name}: uploaded`, false)
        continue
      }
      record(
        `${fn.name}: verify_jwt is false (it authenticates in code)`,
        upload.metadata.verify_jwt === false,
        `verify_jwt = ${String(upload.metadata.verify_jwt)}`,
      )
      // The local host must run each function with the very import config the CLI sends.
      const local = fn.importMap ? relative(projectRoot, fn.importMap) : ''
      record(
        `${fn.name}: the local host uses the import map the CLI uploads (${local || 'none'})`,
        (upload.metadata.import_map_path ?? '') === local,
        `CLI: ${upload.metadata.import_map_path ?? '(none)'}, local host: ${local || '(none)'}`,
      )
    }
    const checks = await inPool(expected, 2, async (fn) => {
      const upload = deploy.uploads.find((u) => u.slug === fn.name)
      if (!upload) return { fn, ok: false, output: 'not uploaded' }
      return { fn, ...(await checkUpload(upload, join(checkRoot, fn.name))) }
    })
    for (const { fn, ok, output } of checks) {
      record(`${fn.name}: type-checks and bundles from its uploaded files alone`, ok, output)
    }
    // The CLI uploads no lockfile, so production pins only what each deno.json pins exactly; the
    // local host runs with `<fn>/deno.lock` beside it, which must match that deno.json.
    const locks = await inPool(expected, 2, async (fn) => {
      const lock = join(fn.dir, 'deno.lock')
      if (!fn.importMap || !existsSync(lock)) return { fn, ok: false, output: `no ${lock}` }
      const result = await run(
        denoBin,
        ['cache', ...importConfigArgs(fn.importMap), '--frozen', fn.entrypoint],
        { cwd: fn.dir, env: denoCliEnv() },
      )
      return { fn, ok: result.code === 0, output: result.output }
    })
    for (const { fn, ok, output } of locks) {
      record(`${fn.name}: deno.lock is up to date with its deno.json (--frozen)`, ok, output)
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true })
  }

  // 2. Negative: imports that resolve only through a shared supabase/functions/deno.json.
  const fixtureDir = copyProject()
  try {
    const functionsDir = join(fixtureDir, 'supabase', 'functions')
    writeFileSync(
      join(functionsDir, 'deno.json'),
      JSON.stringify({ imports: { zod: 'npm:zod@4.6.7' } }, null, 2),
    )
    mkdirSync(join(functionsDir, 'shared-only'), { recursive: true })
    writeFileSync(
      join(functionsDir, 'shared-only', 'index.ts'),
      [
        "import { z } from 'zod'",
        '',
        "Deno.serve(() => Response.json({ ok: z.string().parse('yes') }))",
        '',
      ].join('\n'),
    )
    const deploy = await deployWithCli(fixtureDir, ['shared-only'])
    const upload = deploy.uploads.find((u) => u.slug === 'shared-only')
    record(
      'negative: the CLI uploads a function that relies on the shared deno.json, without it',
      deploy.code === 0 && !!upload && !upload.files.has('supabase/functions/deno.json'),
      deploy.output,
    )
    if (upload) {
      const outcome = await checkUpload(upload, join(checkRoot, '_negative-shared-only'))
      record(
        'negative: that function fails this tier (bare "zod" does not resolve)',
        !outcome.ok && /zod/.test(outcome.output),
        outcome.ok ? 'it type-checked and bundled, so this tier proves nothing' : outcome.output,
      )
    }
    // The local host resolves the same way: no import map for it, so it would fail to boot too.
    const local = resolveFunctions(functionsDir).find((f) => f.name === 'shared-only')
    record(
      'negative: the local host gives that function no import map either',
      !!local && local.importMap === undefined,
      `local host import map: ${local?.importMap ?? '(none)'}`,
    )
  } finally {
    rmSync(fixtureDir, { recursive: true, force: true })
  }

  const passed = results.filter((r) => r.ok).length
  const failed = results.length - passed
  console.log(`deploy: ${passed} passed, ${failed} failed`)
  return failed === 0 ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test-deploy failed: ${(error as Error).stack ?? String(error)}`)
    process.exit(1)
  },
)
