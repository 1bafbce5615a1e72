import { promises as fs, readdirSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cleanEnv, deploySh, repoRoot, run } from './support'

// SCALE-8: what deploy.sh refuses without its settings, and what it asks of the Supabase CLI for a
// hosted project. The db-push half against a real database is in deploy-db.test.ts.
describe('deploy.sh guards', () => {
  it('refuses the hosted path without credentials, naming what is missing', async () => {
    const err = await run(deploySh, ['db'], { env: cleanEnv }).catch(
      (e: { code: number; stderr: string }) => e,
    )
    expect(err).toMatchObject({ code: 2 })
    expect((err as { stderr: string }).stderr).toContain(
      'missing environment: SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF SUPABASE_DB_PASSWORD',
    )
  })

  it('refuses to deploy functions while a required secret is missing', async () => {
    const err = await run(deploySh, ['functions'], {
      env: {
        ...cleanEnv,
        SUPABASE_ACCESS_TOKEN: 'sbp_x',
        SUPABASE_PROJECT_REF: 'abcdefghijklmnopqrst',
        S3_BUCKET: 'media',
      },
    }).catch((e: { code: number; stderr: string }) => e)
    expect(err).toMatchObject({ code: 2 })
    expect((err as { stderr: string }).stderr).toContain(
      'missing environment: PLAYBACK_TOKEN_SECRET S3_ENDPOINT',
    )
    expect((err as { stderr: string }).stderr).not.toContain('S3_BUCKET')
  })

  it('lists the secrets the functions need', async () => {
    const err = await run(deploySh, ['secrets'], {
      env: { ...cleanEnv, SQS_QUEUE_URL: 'https://sqs' },
    }).catch((e: { code: number; stdout: string }) => e)
    expect(err).toMatchObject({ code: 1 })
    const out = (err as { stdout: string }).stdout
    expect(out).toContain('SQS_QUEUE_URL (set)')
    expect(out).toContain('PLAYBACK_TOKEN_SECRET (MISSING)')
    expect(out).toContain('UPSTASH_REDIS_REST_URL (unset)')
  })
})

// ---- The hosted path, driven with a fake CLI -------------------------------------------------
// The real CLI would need Supabase's Management API. The fake records each call (arguments, the
// env() values config.toml names, and the files it is handed), so the tests see exactly what
// deploy.sh asks of the CLI, in order. The flags themselves are checked against the pinned CLI.
const realCli = path.join(repoRoot, 'node_modules/.bin/supabase')

interface FakeCli {
  dir: string
  cli: string
  calls(): Promise<string[][]>
  file(name: string): Promise<string>
}

async function fakeCli(): Promise<FakeCli> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-fake-supabase-'))
  const cli = path.join(dir, 'supabase')
  await fs.writeFile(
    cli,
    `#!/usr/bin/env bash
set -euo pipefail
log=${JSON.stringify(dir)}/calls
touch "$log"
n=$(( $(wc -l <"$log") + 1 ))
printf '%s' "$1" >>"$log"
shift
for a in "$@"; do printf '\\t%s' "$a" >>"$log"; done
printf '\\n' >>"$log"
prev=
for a in "$@"; do
  case "$prev" in --env-file|--file) cp "$a" ${JSON.stringify(dir)}/file-$n ;; esac
  prev=$a
done
env | grep -E '^(AUTH_|SMTP_)' | sort >${JSON.stringify(dir)}/env-$n || true
`,
    { mode: 0o755 },
  )
  return {
    dir,
    cli,
    calls: async () =>
      (await fs.readFile(path.join(dir, 'calls'), 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t')),
    file: (name) => fs.readFile(path.join(dir, name), 'utf8'),
  }
}

/** Everything a production deploy needs, as CI would set it. */
const production: Record<string, string> = {
  SUPABASE_ACCESS_TOKEN: 'sbp_test',
  SUPABASE_PROJECT_REF: 'abcdefghijklmnopqrst',
  SUPABASE_DB_PASSWORD: 'db-password',
  PLAYBACK_TOKEN_SECRET: 'playback-secret',
  S3_ENDPOINT: 'https://s3.wasabisys.com',
  S3_REGION: 'us-east-1',
  S3_BUCKET: 'rugbycodex-media',
  S3_ACCESS_KEY_ID: 'wasabi-key',
  S3_SECRET_ACCESS_KEY: 'wasabi-secret',
  S3_FORCE_PATH_STYLE: 'true',
  SQS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123/rugbycodex-transcode-jobs',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIATEST',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  OPENAI_API_KEY: 'sk-test',
  ELEVENLABS_API_KEY: 'el-test',
  MAILGUN_API_KEY: 'mg-test',
  MAILGUN_DOMAIN: 'mg.rugbycodex.com',
  MAIL_FROM: 'RugbyCodex <coach@mg.rugbycodex.com>',
  AUTH_SITE_URL: 'https://rugbycodex.com',
  SMTP_HOST: 'smtp.mailgun.org',
  SMTP_USER: 'postmaster@mg.rugbycodex.com',
  SMTP_PASS: 'smtp-pass',
  SMTP_ADMIN_EMAIL: 'no-reply@mg.rugbycodex.com',
  SCHEDULE_SECRET_KEY: 'sb_secret_schedules',
  UPSTASH_REDIS_REST_URL: 'https://eu1-upstash.io',
  UPSTASH_REDIS_REST_TOKEN: 'upstash-token',
}

async function deploy(args: string[], env: Record<string, string>, cli: FakeCli) {
  return run(deploySh, args, {
    env: { ...cleanEnv, ...env, SUPABASE_CLI: cli.cli },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  )
}

const without = (names: string[]) =>
  Object.fromEntries(Object.entries(production).filter(([k]) => !names.includes(k)))

/** Every name the deployed functions read through env(), requireEnv() or intEnv(). */
function namesTheFunctionsRead(): string[] {
  const root = path.join(repoRoot, 'supabase/functions')
  const names = new Set<string>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry)
      if (statSync(full).isDirectory()) {
        if (entry !== '_bench' && entry !== 'node_modules') walk(full)
      } else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts') && entry !== 'testing.ts') {
        const text = readFileSync(full, 'utf8')
        for (const m of text.matchAll(/\b(?:env|requireEnv|intEnv)\(\s*'([A-Z][A-Z0-9_]*)'/g))
          names.add(m[1]!)
      }
    }
  }
  walk(root)
  return [...names].sort()
}

describe('deploy.sh all (hosted project, fake CLI)', () => {
  it('pushes the database, sets the secrets, pushes Auth + API config, deploys functions, stores the schedule secrets: in that order', async () => {
    const cli = await fakeCli()
    const result = await deploy(['all'], production, cli)
    expect(result.code, result.stderr).toBe(0)
    const calls = await cli.calls()
    expect(calls.map((c) => c.slice(0, 2).join(' '))).toEqual([
      'link --workdir',
      'db push',
      'secrets set',
      'config push',
      'functions deploy',
      'db query',
    ])
    const flagsOf = (i: number) => calls[i]!.slice(1)
    expect(flagsOf(0)).toEqual(
      expect.arrayContaining([
        '--project-ref',
        'abcdefghijklmnopqrst',
        '--password',
        'db-password',
      ]),
    )
    expect(flagsOf(1)).toEqual(expect.arrayContaining(['--linked', '--yes']))
    expect(flagsOf(3)).toEqual(
      expect.arrayContaining([
        '--workdir',
        repoRoot,
        '--project-ref',
        'abcdefghijklmnopqrst',
        '--yes',
      ]),
    )
    expect(flagsOf(4)).toEqual(expect.arrayContaining(['--use-api', '--workdir', repoRoot]))
    expect(flagsOf(5)).toEqual(expect.arrayContaining(['--linked', '--file']))
    // The Auth values config.toml names with env() reach the CLI that resolves them.
    expect((await cli.file('env-4')).split('\n')).toEqual(
      expect.arrayContaining([
        'AUTH_SITE_URL=https://rugbycodex.com',
        'AUTH_REDIRECT_URL=https://rugbycodex.com/**',
        'SMTP_HOST=smtp.mailgun.org',
        'SMTP_USER=postmaster@mg.rugbycodex.com',
        'SMTP_PASS=smtp-pass',
        'SMTP_ADMIN_EMAIL=no-reply@mg.rugbycodex.com',
      ]),
    )
    const sqlFile = await cli.file('file-6')
    expect(sqlFile).toContain(
      "select private.set_schedule_secrets('https://abcdefghijklmnopqrst.supabase.co', 'sb_secret_schedules')",
    )
  })

  it('sets every secret the functions read, and none of the reserved SUPABASE_ names', async () => {
    const cli = await fakeCli()
    const result = await deploy(
      ['functions'],
      { ...production, SUPABASE_JWT_ISSUER: 'https://x/auth/v1', DB_POOL_MAX: '8' },
      cli,
    )
    expect(result.code, result.stderr).toBe(0)
    const envFile = Object.fromEntries(
      (await cli.file('file-1'))
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    )
    for (const name of [
      'PLAYBACK_TOKEN_SECRET',
      'S3_SECRET_ACCESS_KEY',
      'SQS_QUEUE_URL',
      'AWS_SECRET_ACCESS_KEY',
      'OPENAI_API_KEY',
      'ELEVENLABS_API_KEY',
      'MAILGUN_API_KEY',
      'MAILGUN_DOMAIN',
      'MAIL_FROM',
      'UPSTASH_REDIS_REST_TOKEN',
      'DB_POOL_MAX',
    ])
      expect(envFile[name], name).toBe(
        ({ ...production, DB_POOL_MAX: '8' } as Record<string, string>)[name],
      )
    expect(Object.keys(envFile).filter((k) => k.startsWith('SUPABASE_'))).toEqual([])
    expect(result.stderr).toContain('SUPABASE_JWT_ISSUER')
    expect((await cli.calls()).map((c) => c.slice(0, 2).join(' '))).toEqual([
      'secrets set',
      'functions deploy',
    ])
  })

  it('knows every name the functions read: settable, or reserved and injected by Supabase', async () => {
    const cli = await fakeCli()
    const { stdout } = await deploy(['secrets'], production, cli)
    const listed = new Set([...stdout.matchAll(/^\s+([A-Z][A-Z0-9_]*)\b/gm)].map((m) => m[1]))
    const read = namesTheFunctionsRead()
    expect(read).toEqual(
      expect.arrayContaining(['OPENAI_API_KEY', 'MAILGUN_DOMAIN', 'SUPABASE_URL']),
    )
    expect(read.filter((name) => !listed.has(name))).toEqual([])
    expect(stdout).toMatch(/SUPABASE_DB_URL \(injected by Supabase/)
  })

  it('refuses a production deploy whose AI providers would fall back to offline, before touching anything', async () => {
    const cli = await fakeCli()
    const result = await deploy(['all'], without(['OPENAI_API_KEY', 'ELEVENLABS_API_KEY']), cli)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('OPENAI_API_KEY')
    expect(result.stderr).toContain('ELEVENLABS_API_KEY')
    expect(result.stderr).toContain('AI_PROVIDER=offline')
    expect(await cli.calls()).toEqual([])

    const speechOnly = await deploy(['functions'], without(['ELEVENLABS_API_KEY']), cli)
    expect(speechOnly.code).toBe(2)
    expect(speechOnly.stderr).toContain('ELEVENLABS_API_KEY')
    expect(await cli.calls()).toEqual([])
  })

  it('refuses a production deploy whose mail would fall back to offline, unless MAIL_PROVIDER=offline', async () => {
    const cli = await fakeCli()
    const result = await deploy(['functions'], without(['MAILGUN_API_KEY']), cli)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('MAILGUN_API_KEY')
    expect(result.stderr).toContain('MAIL_PROVIDER=offline')
    expect(await cli.calls()).toEqual([])

    const offline = await deploy(
      ['functions'],
      { ...without(['MAILGUN_API_KEY', 'MAILGUN_DOMAIN', 'MAIL_FROM']), MAIL_PROVIDER: 'offline' },
      cli,
    )
    expect(offline.code, offline.stderr).toBe(0)
    expect(offline.stderr).toContain('MAIL_PROVIDER=offline')
  })

  it('deploys offline AI only when AI_PROVIDER=offline says so, and refuses the contradiction', async () => {
    const cli = await fakeCli()
    const offline = await deploy(
      ['functions'],
      { ...without(['OPENAI_API_KEY', 'ELEVENLABS_API_KEY']), AI_PROVIDER: 'offline' },
      cli,
    )
    expect(offline.code, offline.stderr).toBe(0)
    const envFile = await cli.file('file-1')
    expect(envFile).not.toContain('OPENAI_API_KEY')
    expect(envFile).not.toContain('AI_PROVIDER')

    const contradiction = await deploy(
      ['functions'],
      { ...production, AI_PROVIDER: 'offline' },
      cli,
    )
    expect(contradiction.code).toBe(2)
    expect(contradiction.stderr).toContain('OPENAI_API_KEY')
  })

  it('refuses an embedding size the database column cannot hold', async () => {
    const cli = await fakeCli()
    const result = await deploy(['functions'], { ...production, EMBEDDING_DIMENSIONS: '3072' }, cli)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('EMBEDDING_DIMENSIONS=3072')
    expect(result.stderr).toContain('1536')
  })

  it('refuses to push Auth config while a value config.toml reads with env() is unset', async () => {
    const cli = await fakeCli()
    const result = await deploy(['config'], without(['AUTH_SITE_URL', 'SMTP_PASS']), cli)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('AUTH_SITE_URL')
    expect(result.stderr).toContain('SMTP_PASS')
    expect(await cli.calls()).toEqual([])
    const insecure = await deploy(['config'], { ...production, AUTH_SITE_URL: 'http://x.com' }, cli)
    expect(insecure.code).toBe(2)
    expect(insecure.stderr).toContain('https://')
  })

  it('refuses a schedule key it could not quote safely', async () => {
    const cli = await fakeCli()
    const result = await deploy(
      ['schedules'],
      { ...production, SCHEDULE_SECRET_KEY: "x'); drop table private.schedules; --" },
      cli,
    )
    expect(result.code).toBe(2)
    expect(await cli.calls()).toEqual([])
  })

  it('uses only commands and flags the pinned Supabase CLI has', async () => {
    const cli = await fakeCli()
    expect((await deploy(['all'], production, cli)).code).toBe(0)
    const byCommand = new Map<string, Set<string>>()
    for (const call of await cli.calls()) {
      const command = call
        .slice(0, 2)
        .join(' ')
        .replace(/ --.*$/, '')
      const flags = byCommand.get(command) ?? new Set<string>()
      for (const arg of call) if (arg.startsWith('--')) flags.add(arg)
      byCommand.set(command, flags)
    }
    await Promise.all(
      [...byCommand].map(async ([command, flags]) => {
        const { stdout, stderr } = await run(realCli, [...command.split(' '), '--help'], {
          env: cleanEnv,
        })
        for (const flag of flags) expect(stdout + stderr, `${command} ${flag}`).toContain(flag)
      }),
    )
  })
})
