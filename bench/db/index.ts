// Database bench (`npm run bench -- db`): the one-year scale in an embedded PGlite, p50/p95 of the
// hot queries acting as a real member through RLS, EXPLAIN plans of the statements each one runs
// to bench/out/db-plans.txt, and the vector-index comparison (exact vs HNSW vs IVFFlat, halfvec
// vs vector, and a tenant-filtered HNSW walk) on a sample. Prints a p50/p95 table with the load
// average: this machine is shared, so a figure means little without it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { createDatabase, repoRoot } from '../../supabase/tests/db'
import { generate, oneYear } from './generate'
import { hotQueries, labels } from './hot-queries'
import { ITERATIONS, round, type Timing, WARMUP } from './measure'
import { vectorIndexes } from './vector-index'

function table(figures: Record<string, Timing>, load: number[][]): string {
  const lines = [
    `| query | p50 ms | p95 ms | max ms | first call ms |`,
    `| --- | ---: | ---: | ---: | ---: |`,
    ...Object.entries(figures).map(
      ([k, t]) => `| ${labels[k] ?? k} | ${t.p50} | ${t.p95} | ${t.max} | ${t.firstCallMs ?? ''} |`,
    ),
    `load average (1/5/15 min) before ${load[0]!.map(round).join(' / ')}, after ${load[1]!.map(round).join(' / ')}; ${ITERATIONS} calls each after ${WARMUP} warm-up calls`,
  ]
  return lines.join('\n')
}

export async function runDbBench(): Promise<Record<string, unknown>> {
  const plans: string[] = []
  const db = await createDatabase()
  let load: Record<string, number>
  let figures: Record<string, Timing>
  let counts: Record<string, number>
  const loadAverage: number[][] = []
  try {
    load = await generate(db, oneYear)
    counts =
      (
        await db.query<Record<string, number>>(`select
        (select count(*) from public.organizations)::int as orgs, (select count(*) from public.profiles)::int as users,
        (select count(*) from public.media_assets)::int as videos, (select count(*) from public.segments)::int as segments,
        (select count(*) from public.narrations)::int as narrations,
        (select count(*) from pg_inherits where inhparent = 'public.media_assets'::regclass)::int as partitions`)
      ).rows[0] ?? {}
    loadAverage.push(loadavg())
    figures = await hotQueries(db, plans)
    loadAverage.push(loadavg())
  } finally {
    await db.close()
  }
  process.stderr.write(`\n${table(figures, loadAverage)}\n\n`)
  const vector = await vectorIndexes(plans)
  const outDir = join(repoRoot, 'bench', 'out')
  mkdirSync(outDir, { recursive: true })
  writeFileSync(
    join(outDir, 'db-plans.txt'),
    `# bench/db plans at one-year scale (${JSON.stringify(counts)})\n\n${plans.join('\n\n')}\n`,
  )
  return {
    scale: counts,
    loadMs: load,
    iterations: ITERATIONS,
    loadAverage: { before: loadAverage[0]?.map(round), after: loadAverage[1]?.map(round) },
    queriesMs: figures,
    vectorIndex: vector,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runDbBench(), null, 2))
}
