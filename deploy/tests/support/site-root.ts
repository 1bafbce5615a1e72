import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { precompress } from '../../frontend/precompress'

const run = promisify(execFile)
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const distDir = path.join(repoRoot, 'frontend/dist')

export interface SiteRoot {
  root: string
  kind: 'build' | 'fixture'
  cleanup(): Promise<void>
}

async function hasBuild(): Promise<boolean> {
  return fs
    .access(path.join(distDir, 'index.html'))
    .then(() => true)
    .catch(() => false)
}

/**
 * A web root shaped like a release: the production build (built now if missing) copied and
 * precompressed the way deploy/frontend/release.ts ships it, or — while the SPA does not build —
 * a generated fixture with the same classes of files (hashed assets, shell, service worker).
 */
export async function prepareSiteRoot(origins: { supabaseUrl: string }): Promise<SiteRoot> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-site-'))
  const cleanup = () => fs.rm(root, { recursive: true, force: true })
  let kind: SiteRoot['kind'] = 'fixture'
  if (!(await hasBuild()) && process.env.RC_OPS_SKIP_BUILD !== '1') {
    await run('npm', ['run', 'build'], {
      cwd: repoRoot,
      timeout: 150_000,
      env: { ...process.env, VITE_SUPABASE_URL: origins.supabaseUrl },
    }).catch(() => undefined)
  }
  if (await hasBuild()) {
    await fs.cp(distDir, root, { recursive: true })
    kind = 'build'
  } else {
    await writeFixture(root, origins.supabaseUrl)
  }
  await precompress(root)
  return { root, kind, cleanup }
}

function hashed(name: string, ext: string, content: string): string {
  return `${name}-${createHash('sha256').update(content).digest('hex').slice(0, 8)}.${ext}`
}

async function writeFixture(root: string, supabaseUrl: string): Promise<void> {
  await fs.mkdir(path.join(root, 'assets'), { recursive: true })
  // Exercises what the real SPA does under the CSP: fetch the API origin, register the service
  // worker, start a blob: worker (hls.js), write styles through the CSSOM (Vue).
  const js = `const app = document.getElementById('app')
app.textContent = 'RugbyCodex fixture ' + location.pathname
app.style.color = '#0f3d2e'
fetch(${JSON.stringify(`${supabaseUrl}/functions/v1/health`)}).catch(() => undefined)
const worker = new Worker(URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' })))
worker.onmessage = () => worker.terminate()
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined)
${'// padding so the chunk is above gzip_min_length\n'.repeat(40)}`
  const css = `body{margin:0;font-family:system-ui,sans-serif}\n${'#app{padding:1rem}\n'.repeat(80)}`
  const jsName = hashed('index', 'js', js)
  const cssName = hashed('index', 'css', css)
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>RugbyCodex</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="manifest" href="/manifest.webmanifest" />
    <script type="module" crossorigin src="/assets/${jsName}"></script>
    <link rel="stylesheet" crossorigin href="/assets/${cssName}" />
  </head>
  <body>
    <div id="app"></div>
  </body>
</html>
`
  await fs.writeFile(path.join(root, 'assets', jsName), js)
  await fs.writeFile(path.join(root, 'assets', cssName), css)
  await fs.writeFile(path.join(root, 'index.html'), html)
  await fs.writeFile(path.join(root, 'sw.js'), "self.addEventListener('fetch', () => undefined)\n")
  await fs.writeFile(
    path.join(root, 'manifest.webmanifest'),
    JSON.stringify({ name: 'RugbyCodex', start_url: '/', display: 'standalone', icons: [] }),
  )
  await fs.writeFile(
    path.join(root, 'favicon.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
  )
}
