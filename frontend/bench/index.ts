// SCALE-1 frontend figures for `npm run bench`: gzipped JS of the initial load and of each lazy
// route, and LCP of the login and library pages in Chromium with 4× CPU throttling against the
// production build. The library figure runs against a throwaway local platform with the demo seed,
// so the page renders real rows from the real API.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
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
    return await page.evaluate(readLcp)
  } finally {
    await browser.close()
    server.kill('SIGTERM')
  }
}

/** The part of local/src/seed-demo.ts's API this bench uses (the platform plus the demo seed). */
type StartPlatform = (options: {
  dataDir: string
  ports: Record<string, number>
  withFunctions: boolean
  withSpa: boolean
  withWorker: boolean
  seedDemo: boolean
  log: (line: string) => void
}) => Promise<{
  env: Record<string, string>
  seeding?: Promise<{ orgId: string } | undefined>
  stop(): Promise<void>
}>

/** Largest contentful paint of the page as loaded so far (buffered entries). */
const readLcp = () =>
  new Promise<number>((resolve) => {
    new PerformanceObserver((list) => {
      const last = list.getEntries().at(-1)
      resolve(last ? Math.round(last.startTime) : 0)
    }).observe({ type: 'largest-contentful-paint', buffered: true })
  })

/**
 * LCP of a cold load of the library page for a signed-in coach (4× CPU throttling, production
 * build pointed at a local platform on free ports, demo data).
 */
async function libraryLcp(): Promise<{ ms: number | null; rows: number }> {
  // Loaded by path so this workspace's type check does not pull in the platform's own sources.
  const platformModule = pathToFileURL(join(frontend, '..', 'local', 'src', 'seed-demo.ts')).href
  const { startDemoPlatform: startPlatform } = (await import(platformModule)) as {
    startDemoPlatform: StartPlatform
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'rc-bench-library-'))
  const outDir = mkdtempSync(join(tmpdir(), 'rc-bench-library-dist-'))
  const spaPort = await freePort()
  const platform = await startPlatform({
    dataDir,
    ports: { gateway: 0, db: 0, s3: 0, functions: 0, spa: spaPort, workerHealth: 0 },
    withFunctions: true,
    withSpa: false,
    withWorker: false,
    seedDemo: true,
    log: () => {},
  })
  let server: ReturnType<typeof spawn> | undefined
  let browser: Awaited<ReturnType<typeof import('playwright-core').chromium.launch>> | undefined
  try {
    const seeded = await platform.seeding
    if (!seeded) throw new Error('the demo seed did not finish')
    const vite = join(frontend, '..', 'node_modules', '.bin', 'vite')
    execFileSync(vite, ['build', '--outDir', outDir, '--emptyOutDir'], {
      cwd: frontend,
      stdio: 'ignore',
      env: {
        ...process.env,
        VITE_SUPABASE_URL: platform.env.VITE_SUPABASE_URL,
        VITE_SUPABASE_ANON_KEY: platform.env.VITE_SUPABASE_ANON_KEY,
      },
    })
    server = spawn(
      vite,
      ['preview', '--outDir', outDir, '--port', String(spaPort), '--strictPort'],
      { cwd: frontend, stdio: 'ignore' },
    )
    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    const context = await browser.newContext({ serviceWorkers: 'block' })
    const origin = `http://127.0.0.1:${spaPort}`
    const login = await context.newPage()
    for (let i = 0; i < 50; i++) {
      try {
        await login.goto(`${origin}/login`)
        break
      } catch {
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    await login.getByLabel('Email').fill('coach@rugbycodex.local')
    await login.getByLabel('Password', { exact: true }).fill('rugbycodex-demo')
    await login.getByRole('button', { name: 'Log in' }).click()
    await login.waitForURL((u) => u.pathname.startsWith('/orgs/'))
    await login.close()

    // A fresh page load of the library, throttled: what a coach waits for after opening the link.
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
    await page.goto(`${origin}/orgs/${seeded.orgId}/library`)
    await page.getByTestId('media-row').first().waitFor({ timeout: 60_000 })
    const rows = await page.getByTestId('media-row').count()
    return { ms: await page.evaluate(readLcp), rows }
  } finally {
    await browser?.close()
    server?.kill('SIGTERM')
    await platform.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(outDir, { recursive: true, force: true })
  }
}

export async function runFrontendBench() {
  execFileSync('npm', ['run', 'build'], { cwd: frontend, stdio: 'ignore' })
  const bundle = bundleFigures()
  return {
    ...bundle,
    withinBudget: bundle.initialJsKbGzip <= INITIAL_JS_BUDGET_KB,
    lcpLoginMs4xCpu: await loginLcp(),
    ...(await libraryLcp().then(
      (r) => ({ lcpLibraryMs4xCpu: r.ms, lcpLibraryRows: r.rows }),
      (error: unknown) => ({
        lcpLibraryMs4xCpu: null,
        lcpLibraryError: error instanceof Error ? error.message : String(error),
      }),
    )),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await runFrontendBench(), null, 2))
}
