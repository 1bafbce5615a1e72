// `npm run bench`: every layer's figures in one table and in bench/latest.json.
// Parts live beside the code they measure and are loaded only if present, so each layer adds its
// own. Pass part names to run a subset: `npm run bench -- platform db`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

type Figures = Record<string, unknown>
interface Part {
  name: string
  module: string
  exportName: string
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const parts: Part[] = [
  { name: 'platform', module: 'bench/platform.ts', exportName: 'runPlatformBench' },
  { name: 'db', module: 'bench/db/index.ts', exportName: 'runDbBench' },
  { name: 'api', module: 'bench/api.ts', exportName: 'runApiBench' },
  { name: 'worker', module: 'transcoder/bench/index.ts', exportName: 'runWorkerBench' },
  { name: 'frontend', module: 'bench/frontend.ts', exportName: 'runFrontendBench' },
  { name: 'search', module: 'bench/search/index.ts', exportName: 'runSearchBench' },
]

function flatten(prefix: string, value: unknown, out: [string, string][]) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out)
  } else {
    out.push([
      prefix,
      typeof value === 'number' ? String(Math.round(value * 100) / 100) : JSON.stringify(value),
    ])
  }
}

const wanted = process.argv.slice(2)
const latestFile = join(root, 'bench', 'latest.json')
// A subset run (`npm run bench -- db`) refreshes only its parts; the others keep their last figures.
const previous =
  wanted.length && existsSync(latestFile)
    ? (JSON.parse(readFileSync(latestFile, 'utf8')) as { results?: Record<string, Figures> })
        .results
    : undefined
const results: Record<string, Figures | { error: string }> = { ...previous }
for (const part of parts) {
  if (wanted.length && !wanted.includes(part.name)) continue
  if (!existsSync(join(root, part.module))) continue
  process.stderr.write(`bench: ${part.name}…\n`)
  const started = Date.now()
  try {
    const mod = (await import(pathToFileURL(join(root, part.module)).href)) as Record<
      string,
      () => Promise<Figures>
    >
    const run = mod[part.exportName]
    if (!run) throw new Error(`${part.module} does not export ${part.exportName}`)
    results[part.name] = { ...(await run()), benchSeconds: (Date.now() - started) / 1000 }
  } catch (error) {
    results[part.name] = { error: error instanceof Error ? error.message : String(error) }
  }
}

const report = {
  at: new Date().toISOString(),
  machine: { cores: (await import('node:os')).cpus().length, node: process.version },
  results,
}
mkdirSync(join(root, 'bench'), { recursive: true })
writeFileSync(latestFile, `${JSON.stringify(report, null, 2)}\n`)

const rows: [string, string][] = []
flatten('', wanted.length ? Object.fromEntries(wanted.map((n) => [n, results[n]])) : results, rows)
const width = Math.max(...rows.map(([k]) => k.length), 10)
console.log(`${'figure'.padEnd(width)}  value`)
for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`)
console.log(`\nwritten to bench/latest.json`)
