import { promises as fs } from 'node:fs'
import http from 'node:http'
import http2 from 'node:http2'
import path from 'node:path'
import zlib from 'node:zlib'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNginx, type NginxSandbox } from './support/nginx-sandbox'
import { prepareSiteRoot, type SiteRoot } from './support/site-root'

// SCALE-2: the production nginx config, rendered by nginx/render.sh, served by Debian's nginx.
const origins = {
  supabaseUrl: 'http://127.0.0.1:54321',
  storageOrigins: 'http://127.0.0.1:54325',
  sentryOrigin: 'https://o0.ingest.sentry.io',
}
const IMMUTABLE = 'public, max-age=31536000, immutable'
const NO_CACHE = 'no-cache, no-store, must-revalidate'

interface Reply {
  status: number
  headers: http2.IncomingHttpHeaders
  body: Buffer
}

let site: SiteRoot
let nginx: NginxSandbox
let session: http2.ClientHttp2Session
let jsAsset: string
let cssAsset: string | undefined

function get(urlPath: string, headers: http2.OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': urlPath, 'accept-encoding': 'identity', ...headers })
    const chunks: Buffer[] = []
    let responseHeaders: http2.IncomingHttpHeaders = {}
    req.on('response', (h) => (responseHeaders = h))
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () =>
      resolve({
        status: Number(responseHeaders[':status']),
        headers: responseHeaders,
        body: Buffer.concat(chunks),
      }),
    )
    req.on('error', reject)
    req.end()
  })
}

function getPlain(
  urlPath: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port: nginx.httpPort,
          path: urlPath,
          headers: { host: nginx.serverName },
        },
        (res) => {
          let body = ''
          res.on('data', (c: Buffer) => (body += c.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
        },
      )
      .on('error', reject)
  })
}

function expectSecurityHeaders(headers: http2.IncomingHttpHeaders): void {
  expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains')
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['x-frame-options']).toBe('DENY')
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
  expect(headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
  const csp = String(headers['content-security-policy'])
  expect(csp).toContain("default-src 'self'")
  expect(csp).toContain("script-src 'self';")
  expect(csp).toContain(
    `connect-src 'self' ${origins.supabaseUrl} ws://127.0.0.1:54321 ${origins.storageOrigins} ${origins.sentryOrigin}`,
  )
  expect(csp).toContain(`media-src 'self' blob: ${origins.storageOrigins}`)
  expect(csp).toContain("frame-ancestors 'none'")
}

beforeAll(async () => {
  site = await prepareSiteRoot(origins)
  const assets = await fs.readdir(path.join(site.root, 'assets'))
  // The largest entry chunk is the one worth checking for precompression.
  const sized = await Promise.all(
    assets
      .filter((f) => f.endsWith('.js'))
      .map(async (f) => ({ f, size: (await fs.stat(path.join(site.root, 'assets', f))).size })),
  )
  sized.sort((a, b) => b.size - a.size)
  jsAsset = `/assets/${sized[0]?.f ?? 'missing.js'}`
  cssAsset = assets.find((f) => f.endsWith('.css'))
  // A large text file without a .gz sibling: only on-the-fly gzip can compress it.
  await fs.writeFile(path.join(site.root, 'licenses.txt'), 'MIT License — RugbyCodex\n'.repeat(400))
  nginx = await startNginx(site.root, origins)
  session = http2.connect(`https://127.0.0.1:${nginx.httpsPort}`, { rejectUnauthorized: false })
})

afterAll(async () => {
  session?.close()
  await nginx?.stop()
  await site?.cleanup()
})

describe('nginx serving the production build over HTTP/2 + TLS', () => {
  it('speaks HTTP/2 and answers /health without touching the build', async () => {
    const res = await get('/health')
    expect(session.alpnProtocol).toBe('h2')
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('healthy\n')
    expect(res.headers['cache-control']).toBe('no-store')
    expectSecurityHeaders(res.headers)
  })

  it('caches hashed assets for a year, immutable', async () => {
    const res = await get(jsAsset)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/javascript/)
    expect(res.headers['cache-control']).toBe(IMMUTABLE)
    expect(res.headers['etag']).toBeDefined()
    expectSecurityHeaders(res.headers)
    expect(res.body.equals(await fs.readFile(path.join(site.root, jsAsset)))).toBe(true)
    if (cssAsset) {
      const css = await get(`/assets/${cssAsset}`)
      expect(css.status).toBe(200)
      expect(css.headers['content-type']).toMatch(/^text\/css/)
      expect(css.headers['cache-control']).toBe(IMMUTABLE)
    }
  })

  it('never lets the shell be cached: /, /index.html', async () => {
    const indexHtml = await fs.readFile(path.join(site.root, 'index.html'))
    for (const p of ['/', '/index.html']) {
      const res = await get(p)
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.headers['cache-control']).toBe(NO_CACHE)
      expectSecurityHeaders(res.headers)
      expect(res.body.equals(indexHtml)).toBe(true)
    }
  })

  it('never lets the service worker files be cached', async () => {
    const candidates = ['sw.js', 'registerSW.js', 'manifest.webmanifest']
    const present = (await fs.readdir(site.root)).filter(
      (f) => candidates.includes(f) || /^workbox-[\w-]+\.js$/.test(f),
    )
    if (site.kind === 'fixture')
      expect(present).toEqual(expect.arrayContaining(['sw.js', 'manifest.webmanifest']))
    for (const f of present) {
      const res = await get(`/${f}`)
      expect(res.status, f).toBe(200)
      expect(res.headers['cache-control'], f).toBe(NO_CACHE)
      expectSecurityHeaders(res.headers)
      if (f.endsWith('.webmanifest'))
        expect(res.headers['content-type']).toMatch(/^application\/manifest\+json/)
    }
  })

  it('gives other static files a short lifetime', async () => {
    const res = await get('/licenses.txt')
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    expectSecurityHeaders(res.headers)
  })

  it('answers deep links with the SPA shell', async () => {
    const indexHtml = await fs.readFile(path.join(site.root, 'index.html'))
    for (const p of ['/orgs/demo-club/media/7f0c0a4e', '/admin/jobs?state=failed', '/login']) {
      const res = await get(p)
      expect(res.status, p).toBe(200)
      expect(res.headers['cache-control'], p).toBe(NO_CACHE)
      expect(res.body.equals(indexHtml), p).toBe(true)
    }
  })

  it('returns a real 404 for a missing asset, never the shell', async () => {
    for (const p of [
      '/assets/index-deadbeef.js',
      '/assets/nested/missing.css',
      '/logo-missing.png',
      '/orgs/x/report.pdf',
    ]) {
      const res = await get(p)
      expect(res.status, p).toBe(404)
      expect(res.body.toString(), p).not.toContain('<div id="app">')
    }
  })

  it('serves the precompressed .gz file when the client accepts gzip (gzip_static)', async () => {
    const gzFile = await fs.readFile(path.join(site.root, `${jsAsset}.gz`))
    const res = await get(jsAsset, { 'accept-encoding': 'gzip, deflate, br' })
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i)
    expect(res.headers['cache-control']).toBe(IMMUTABLE)
    expect(Number(res.headers['content-length'])).toBe(gzFile.length)
    expect(res.body.equals(gzFile)).toBe(true)
    const plain = await get(jsAsset)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(zlib.gunzipSync(res.body).equals(plain.body)).toBe(true)
  })

  it('gzips compressible files on the fly when no .gz exists, and not for clients without gzip', async () => {
    const original = await fs.readFile(path.join(site.root, 'licenses.txt'))
    const res = await get('/licenses.txt', { 'accept-encoding': 'gzip' })
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.body.length).toBeLessThan(original.length)
    expect(zlib.gunzipSync(res.body).equals(original)).toBe(true)
    const identity = await get('/licenses.txt')
    expect(identity.headers['content-encoding']).toBeUndefined()
    expect(identity.body.equals(original)).toBe(true)
  })

  it('on port 80 answers /health and redirects everything else to HTTPS', async () => {
    const health = await getPlain('/health')
    expect(health.status).toBe(200)
    expect(health.body).toBe('healthy\n')
    const redirect = await getPlain('/orgs/demo?tab=media')
    expect(redirect.status).toBe(301)
    expect(redirect.headers.location).toBe(`https://${nginx.serverName}/orgs/demo?tab=media`)
  })
})

describe('the SPA in Chromium through nginx', () => {
  it('loads the shell and a deep link with no CSP violation', async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    try {
      const context = await browser.newContext({ ignoreHTTPSErrors: true })
      await context.addInitScript(() => {
        const seen: string[] = []
        ;(window as unknown as { __cspViolations: string[] }).__cspViolations = seen
        document.addEventListener('securitypolicyviolation', (e) =>
          seen.push(`${e.violatedDirective} ${e.blockedURI}`),
        )
      })
      const page = await context.newPage()
      const consoleCsp: string[] = []
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) consoleCsp.push(msg.text())
      })
      const assetStatuses: number[] = []
      page.on('response', (res) => {
        if (new URL(res.url()).pathname.startsWith('/assets/')) assetStatuses.push(res.status())
      })
      const base = `https://127.0.0.1:${nginx.httpsPort}`
      for (const p of ['/', '/orgs/demo-club/media']) {
        const res = await page.goto(base + p, { waitUntil: 'load' })
        expect(res?.status()).toBe(200)
        await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined)
        const violations = await page.evaluate(
          () => (window as unknown as { __cspViolations: string[] }).__cspViolations,
        )
        expect(violations, p).toEqual([])
      }
      expect(consoleCsp).toEqual([])
      expect(assetStatuses.length).toBeGreaterThan(0)
      expect(assetStatuses.every((s) => s === 200 || s === 304)).toBe(true)

      // The detector is live: an origin outside the policy is refused and reported.
      const blocked = await page.evaluate(async () => {
        await fetch('https://not-allowed.example/collect').catch(() => undefined)
        await new Promise((r) => setTimeout(r, 0))
        return (window as unknown as { __cspViolations: string[] }).__cspViolations
      })
      expect(blocked.some((v) => v.startsWith('connect-src'))).toBe(true)
    } finally {
      await browser.close()
    }
  })
})
