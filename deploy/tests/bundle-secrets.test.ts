// Security: no secret ever reaches the SPA bundle (issue 2 acceptance, ARCHITECTURE Configuration).
// The production build runs with every server-side secret set to a canary value, the way a CI or a
// developer shell with a full .env would have them; none of the canaries may appear in the output,
// while the public URL and anon key must (proving the scan reads the real bundle).
import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

const canaries: Record<string, string> = {
  SUPABASE_SERVICE_ROLE_KEY: 'sb_secret_canary_service_role_0001',
  SUPABASE_JWT_SECRET: 'canary-jwt-secret-0002',
  SUPABASE_DB_URL: 'postgres://postgres:canary-db-password-0003@db.example.test:6543/postgres',
  DATABASE_READ_URL: 'postgres://reader:canary-replica-password-0004@replica.example.test/postgres',
  S3_SECRET_ACCESS_KEY: 'canary-s3-secret-0005',
  S3_ACCESS_KEY_ID: 'AKIACANARY00000006',
  PLAYBACK_TOKEN_SECRET: 'canary-playback-secret-0007',
  UPSTASH_REDIS_REST_TOKEN: 'canary-upstash-token-0008',
  AXIOM_TOKEN: 'xaat-canary-axiom-0009',
  OPENAI_API_KEY: 'sk-canary-openai-0010',
  ELEVENLABS_API_KEY: 'canary-elevenlabs-0011',
  MAILGUN_API_KEY: 'canary-mailgun-0012',
  AWS_SECRET_ACCESS_KEY: 'canary-aws-secret-0013',
}
const publicUrl = 'https://canary-project.supabase.example.test'
const publicKey = 'sb_publishable_canary_public_0014'

let outDir: string
let bundle: { file: string; text: string }[] = []

async function readAll(dir: string): Promise<{ file: string; text: string }[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true })
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
  return Promise.all(files.map(async (file) => ({ file, text: await fs.readFile(file, 'latin1') })))
}

beforeAll(async () => {
  outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-bundle-'))
  await run('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir'], {
    cwd: path.join(repoRoot, 'frontend'),
    timeout: 170_000,
    env: {
      ...process.env,
      ...canaries,
      VITE_SUPABASE_URL: publicUrl,
      VITE_SUPABASE_ANON_KEY: publicKey,
    },
  })
  bundle = await readAll(outDir)
}, 180_000)

afterAll(async () => {
  if (outDir) await fs.rm(outDir, { recursive: true, force: true })
})

describe('the production SPA bundle', () => {
  it('carries the public Supabase URL and anon key (the scan sees the real build)', () => {
    expect(bundle.length).toBeGreaterThan(3)
    expect(bundle.some((f) => f.text.includes(publicUrl))).toBe(true)
    expect(bundle.some((f) => f.text.includes(publicKey))).toBe(true)
  })

  it('contains none of the server-side secrets', () => {
    const leaks = Object.entries(canaries).flatMap(([name, value]) =>
      bundle
        .filter((f) => f.text.includes(value))
        .map((f) => `${name} in ${path.basename(f.file)}`),
    )
    expect(leaks).toEqual([])
  })

  it('names no secret-bearing variable and embeds no private key', () => {
    const pattern = /service_role|sb_secret_|SERVICE_ROLE_KEY|BEGIN (EC |RSA )?PRIVATE KEY/
    const hits = bundle.filter((f) => pattern.test(f.text)).map((f) => path.basename(f.file))
    expect(hits).toEqual([])
  })
})
