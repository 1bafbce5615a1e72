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
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { runToEnd } from './children'
import { repoRoot } from './config'
import { checkUpload, deployWithCli, inPool } from './deploy-tier/cli'
import { denoBin, denoCliEnv, importConfigArgs, resolveFunctions } from './functions'

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
      const result = await runToEnd(
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
