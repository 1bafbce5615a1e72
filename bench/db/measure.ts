// How the database bench measures: timed calls with percentiles, plans with the query vectors
// shortened, and statements run as a signed-in member the way edge functions run them.
import type { PGlite } from '@electric-sql/pglite'

// 200 samples put p95 at the 10th-slowest call rather than the 2nd, so one scheduler stall on a
// loaded machine does not decide it. The first calls of a connection load the text-search
// dictionaries and compile the plpgsql functions: those are reported apart as `firstCallMs`
// (a pooled connection pays them once) and kept out of the steady-state percentiles.
export const ITERATIONS = Number(process.env.BENCH_DB_ITERATIONS ?? 200)
export const WARMUP = Number(process.env.BENCH_DB_WARMUP ?? 5)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

export const round = (n: number) => Math.round(n * 100) / 100

export interface Timing {
  p50: number
  p95: number
  max: number
  firstCallMs?: number
}

export async function timeIt(
  runs: number,
  fn: (i: number) => Promise<unknown>,
  warmup = 0,
): Promise<Timing> {
  let first: number | undefined
  for (let i = 0; i < warmup; i++) {
    const started = performance.now()
    await fn(runs + i)
    first ??= performance.now() - started
  }
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await fn(i)
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  return {
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    max: round(samples[samples.length - 1] ?? Number.NaN),
    ...(first === undefined ? {} : { firstCallMs: round(first) }),
  }
}

/** Mean share of the true nearest ids each answer found (recall@k, k = the truth's length). */
export function recall(answers: string[][], truth: string[][], k: number): number {
  const found = answers.reduce(
    (acc, got, i) => acc + got.filter((id) => (truth[i] ?? []).includes(id)).length / k,
    0,
  )
  return Math.round((found / answers.length) * 1000) / 1000
}

/** Plans print query vectors in full; 1,536 numbers per line would bury the plan. */
function shortenVectors(plan: string): string {
  return plan.replace(/'\[[-0-9.e,]{200,}\]'/g, (m) => `'[…${m.split(',').length} dims]'`)
}

/** Runs `fn` inside a transaction as the given user, the way edge functions do. */
export async function asUser<T>(db: PGlite, userId: string, fn: () => Promise<T>): Promise<T> {
  await db.exec('begin')
  try {
    await db.query(
      `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: userId, role: 'authenticated' })],
    )
    return await fn()
  } finally {
    await db.exec('rollback')
  }
}

export async function explain(db: PGlite, sql: string, params: unknown[]) {
  const r = await db.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, costs off, timing off) ${sql}`,
    params,
  )
  return shortenVectors(r.rows.map((row) => row['QUERY PLAN']).join('\n'))
}
