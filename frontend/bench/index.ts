// SCALE-1 frontend figures for `npm run bench`: gzipped JS of the initial load and of each lazy
// route, and LCP of the login page in Chromium with 4× CPU throttling against the production build.
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

interface ManifestChunk {
  file: string
  src?: string
  isEntry?: boolean
  isDynamicEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
}

const frontend = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(frontend, 'dist')
export const INITIAL_JS_BUDGET_KB = 100

const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length / 1024

/** A chunk and what loading it pulls in: static imports, plus lazy non-page modules (hls.js). */
function closure(
  manifest: Record<string, ManifestChunk>,
  key: string,
  lazy = false,
  seen = new Set<string>(),
) {
  if (seen.has(key)) return seen
  seen.add(key)
  const deps = [
    ...(manifest[key]?.imports ?? []),
    ...(lazy ? (manifest[key]?.dynamicImports ?? []).filter((k) => !k.includes('/pages/')) : []),
  ]
  for (const dep of deps) closure(manifest, dep, lazy, seen)
  return seen
}

export function bundleFigures() {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >
  const entry = Object.keys(manifest).find((k) => manifest[k]?.isEntry) as string
  const initial = closure(manifest, entry)
  const initialKb = [...initial].reduce((sum, k) => sum + gz(manifest[k]!.file), 0)
  const routes: Record<string, number> = {}
  for (const [key, chunk] of Object.entries(manifest)) {
    if (!chunk.isDynamicEntry || !key.includes('/pages/')) continue
    const extra = [...closure(manifest, key, true)].filter((k) => !initial.has(k))
    const name = key.replace(/^.*\/pages\//, '').replace(/\.vue$/, '')
    routes[name] = Math.round(extra.reduce((sum, k) => sum + gz(manifest[k]!.file), 0) * 10) / 10
  }
  return {
    initialJsKbGzip: Math.round(initialKb * 10) / 10,
    budgetKb: INITIAL_JS_BUDGET_KB,
    routes,
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

async function loginLcp(): Promise<number | null> {
  const { chromium } = await import('playwright-core')
  const port = await freePort()
  const vite = join(frontend, '..', 'node_modules', '.bin', 'vite')
  const server = spawn(vite, ['preview', '--port', String(port), '--strictPort'], {
    cwd: frontend,
    stdio: 'ignore',
  })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const page = await browser.newPage()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
    for (let i = 0; i < 50; i++) {
      try {
        await page.goto(`http://127.0.0.1:${port}/login`, { waitUntil: 'networkidle' })
        break
      } catch {
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    return await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          new PerformanceObserver((list) => {
            const last = list.getEntries().at(-1)
            resolve(last ? Math.round(last.startTime) : 0)
          }).observe({ type: 'largest-contentful-paint', buffered: true })
        }),
    )
  } finally {
    await browser.close()
    server.kill('SIGTERM')
  }
}

export async function runFrontendBench() {
  execFileSync('npm', ['run', 'build'], { cwd: frontend, stdio: 'ignore' })
  const bundle = bundleFigures()
  return {
    ...bundle,
    withinBudget: bundle.initialJsKbGzip <= INITIAL_JS_BUDGET_KB,
    lcpLoginMs4xCpu: await loginLcp(),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await runFrontendBench(), null, 2))
}
