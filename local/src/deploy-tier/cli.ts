// The real, pinned Supabase CLI deploying against the Management API stand-in, and the check that
// each uploaded function type-checks and bundles from exactly the files the CLI sent.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runToEnd } from '../children'
import { binDir } from '../config'
import { denoBin, denoCliEnv, importConfigArgs } from '../functions'
import { accessToken, projectRef, startManagementApi, type Upload } from './management-api'

const supabaseBin = join(binDir, 'supabase')

/** `supabase functions deploy --use-api` from `workdir` against the stand-in; what it uploaded. */
export async function deployWithCli(workdir: string, slugs: string[] = []) {
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
    const result = await runToEnd(
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
export async function checkUpload(
  upload: Upload,
  dir: string,
): Promise<{ ok: boolean; output: string }> {
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
  const check = await runToEnd(denoBin, ['check', ...common, entry], { cwd: dir, env })
  if (check.code !== 0) return { ok: false, output: `deno check failed:\n${check.output}` }
  const bundle = await runToEnd(
    denoBin,
    ['bundle', ...common, '--platform', 'deno', '--output', join(dir, '.bundle.js'), entry],
    { cwd: dir, env },
  )
  if (bundle.code !== 0) return { ok: false, output: `deno bundle failed:\n${bundle.output}` }
  return { ok: true, output: '' }
}

export async function inPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
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
