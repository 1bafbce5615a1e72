import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// SCALE-8 static-host alternative: the rendered Vercel and Cloudflare Pages configs.
const run = promisify(execFile)
const render = path.join(path.dirname(fileURLToPath(import.meta.url)), 'render.sh')
const env = {
  ...process.env,
  RC_SUPABASE_URL: 'https://abcd.supabase.co/',
  RC_STORAGE_ORIGINS: 'https://s3.wasabisys.com https://media.rugbycodex.com',
  RC_SENTRY_ORIGIN: 'https://o1.ingest.sentry.io',
}
const CONNECT =
  "connect-src 'self' https://abcd.supabase.co wss://abcd.supabase.co https://s3.wasabisys.com https://media.rugbycodex.com https://o1.ingest.sentry.io;"

let dist: string

beforeAll(async () => {
  dist = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-static-'))
  await fs.writeFile(path.join(dist, 'index.html'), '<!doctype html>')
})
afterAll(() => fs.rm(dist, { recursive: true, force: true }))

interface VercelConfig {
  rewrites: Array<{ source: string; destination: string }>
  headers: Array<{ source: string; headers: Array<{ key: string; value: string }> }>
}

/** Vercel matches `source` as a whole-path regular expression (path-to-regexp with a raw group). */
const matches = (source: string, p: string) => new RegExp(`^${source}$`).test(p)

describe('static-host configs', () => {
  it('renders vercel.json with the deploy-time origins and the SPA routing rules', async () => {
    await run(render, ['vercel', dist], { env })
    const config = JSON.parse(
      await fs.readFile(path.join(dist, 'vercel.json'), 'utf8'),
    ) as VercelConfig
    expect(JSON.stringify(config)).not.toContain('${')
    const csp = config.headers[0]?.headers.find((h) => h.key === 'Content-Security-Policy')?.value
    expect(csp).toContain(CONNECT)
    expect(await fs.readFile(path.join(dist, 'health.txt'), 'utf8')).toBe('healthy\n')

    const spa = config.rewrites.find((r) => r.destination === '/index.html')!
    for (const deep of ['/', '/orgs/demo/media/42', '/login'])
      expect(matches(spa.source, deep), deep).toBe(true)
    for (const asset of ['/assets/index-abc.js', '/logo.png', '/sw.js'])
      expect(matches(spa.source, asset), asset).toBe(false)

    const cacheFor = (p: string) =>
      config.headers
        .filter((rule) => matches(rule.source, p))
        .flatMap((rule) => rule.headers)
        .filter((h) => h.key === 'Cache-Control')
        .map((h) => h.value)
    expect(cacheFor('/assets/index-abc.js')).toEqual(['public, max-age=31536000, immutable'])
    for (const p of ['/index.html', '/sw.js', '/manifest.webmanifest', '/orgs/demo', '/']) {
      expect(cacheFor(p), p).toEqual(['no-cache, no-store, must-revalidate'])
    }
  })

  it('renders Cloudflare Pages _headers and _redirects', async () => {
    await run(render, ['cloudflare', dist], { env })
    const headers = await fs.readFile(path.join(dist, '_headers'), 'utf8')
    expect(headers).not.toContain('${')
    expect(headers).toContain(CONNECT)
    expect(headers).toMatch(
      /^\/assets\/\*\n {2}Cache-Control: public, max-age=31536000, immutable$/m,
    )
    expect(headers).toMatch(
      /^\/index\.html\n {2}Cache-Control: no-cache, no-store, must-revalidate$/m,
    )
    const redirects = await fs.readFile(path.join(dist, '_redirects'), 'utf8')
    // No catch-all: on Pages it would shadow real assets.
    expect(redirects).not.toMatch(/^\/\*/m)
    expect(redirects).toMatch(/^\/health \/health\.txt 200$/m)
  })

  it('refuses to render without the origins or a build', async () => {
    const missing = await run(render, ['vercel', dist], { env: { PATH: process.env.PATH } }).catch(
      (e: Error) => e,
    )
    expect(String(missing)).toContain('RC_SUPABASE_URL is required')
    const noBuild = await run(render, ['vercel', os.tmpdir() + '/rc-no-such-dist'], { env }).catch(
      (e: Error) => e,
    )
    expect(String(noBuild)).toContain('build the SPA first')
  })
})
