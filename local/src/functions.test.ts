import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_SECRET_NAMES, repoRoot } from './config'
import { resolveFunctions, startFunctionsHost, type FunctionsHost } from './functions'
import { freePort } from './ports'

function write(root: string, path: string, text: string) {
  mkdirSync(join(root, path, '..'), { recursive: true })
  writeFileSync(join(root, path), text)
}

describe('import config per function, in the order `supabase functions deploy` resolves it', () => {
  let root: string
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'rc-resolve-'))
    const serve = `Deno.serve(() => new Response('x'))\n`
    write(
      root,
      'supabase/config.toml',
      [
        '[functions.from-config]',
        'import_map = "./maps/custom.json"',
        'verify_jwt = false',
        '',
        '[functions.switched-off]',
        'enabled = false',
        '',
      ].join('\n'),
    )
    for (const name of [
      'from-config',
      'own-json',
      'own-jsonc',
      'own-map',
      'fallback',
      'switched-off',
    ]) {
      write(root, `supabase/functions/${name}/index.ts`, serve)
    }
    write(root, 'supabase/functions/from-config/deno.json', '{}')
    write(root, 'supabase/functions/own-json/deno.json', '{}')
    write(root, 'supabase/functions/own-json/import_map.json', '{}')
    write(root, 'supabase/functions/own-jsonc/deno.jsonc', '{}')
    write(root, 'supabase/functions/own-map/import_map.json', '{}')
    write(root, 'supabase/functions/import_map.json', '{}')
    // Never sent by the CLI, so it counts for nothing.
    write(root, 'supabase/functions/deno.json', '{"imports":{"zod":"npm:zod@4.6.7"}}')
    write(root, 'supabase/functions/_shared/index.ts', serve)
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('config.toml > deno.json > deno.jsonc > import_map.json > the fallback import_map.json', () => {
    const functionsDir = join(root, 'supabase', 'functions')
    const resolved = Object.fromEntries(
      resolveFunctions(functionsDir).map((fn) => [fn.name, fn.importMap?.slice(root.length + 1)]),
    )
    expect(resolved).toEqual({
      'from-config': 'supabase/maps/custom.json',
      'own-json': 'supabase/functions/own-json/deno.json',
      'own-jsonc': 'supabase/functions/own-jsonc/deno.jsonc',
      'own-map': 'supabase/functions/own-map/import_map.json',
      fallback: 'supabase/functions/import_map.json',
    })
  })
})

describe('functions host: one isolate per function, each with its own import map', () => {
  let dir: string
  let host: FunctionsHost
  const lines: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rc-host-'))
    // Both functions import the bare name `dep`; each deno.json maps it to its own file. One
    // shared import map could give only one of them the right module.
    for (const name of ['alpha', 'beta']) {
      write(dir, `${name}/deno.json`, JSON.stringify({ imports: { dep: `./dep-${name}.ts` } }))
      write(dir, `${name}/dep-${name}.ts`, `export const who = '${name}'\n`)
      write(
        dir,
        `${name}/index.ts`,
        [
          "import { who } from 'dep'",
          "import { shared } from '../_shared/version.ts'",
          'Deno.serve(() => Response.json({ who, shared }))',
          '',
        ].join('\n'),
      )
    }
    write(dir, '_shared/version.ts', `export const shared = 1\n`)
    const port = await freePort()
    host = await startFunctionsHost({
      port,
      env: { SUPABASE_URL: 'http://127.0.0.1:1' },
      functionsDir: dir,
      watch: true,
      log: (line) => lines.push(line),
    })
    await host.booted
  })
  afterAll(async () => {
    await host?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const call = async (name: string) =>
    (await (await fetch(`${host.url}/${name}`)).json()) as { who: string; shared: number }

  it('resolves each function through its own deno.json', async () => {
    expect(await call('alpha')).toEqual({ who: 'alpha', shared: 1 })
    expect(await call('beta')).toEqual({ who: 'beta', shared: 1 })
  })

  it('--watch: a change in a function restarts it; a change in _shared restarts every function', async () => {
    write(dir, 'alpha/dep-alpha.ts', `export const who = 'alpha, edited'\n`)
    while ((await call('alpha')).who !== 'alpha, edited') {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    write(dir, '_shared/version.ts', `export const shared = 2\n`)
    while ((await call('alpha')).shared !== 2 || (await call('beta')).shared !== 2) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await call('beta')).toEqual({ who: 'beta', shared: 2 })
    expect(lines.some((line) => line.includes('restarting'))).toBe(true)
  })
})

describe('the project secrets a function gets locally', () => {
  it('are exactly the secrets deploy/supabase/deploy.sh sets with `supabase secrets set`', () => {
    const script = readFileSync(join(repoRoot, 'deploy', 'supabase', 'deploy.sh'), 'utf8')
    const arrays = [
      'required_function_secrets',
      'ai_secrets',
      'mail_secrets',
      'optional_function_secrets',
    ]
    const deployed = arrays.flatMap((name) => {
      const body = new RegExp(`^${name}=\\(([^)]*)\\)`, 'm').exec(script)?.[1]
      expect(body, `${name} in deploy.sh`).toBeDefined()
      return (body ?? '').split(/\s+/).filter((word) => /^[A-Z][A-Z0-9_]*$/.test(word))
    })
    expect([...PROJECT_SECRET_NAMES].sort()).toEqual([...new Set(deployed)].sort())
  })
})
