// The vector-index comparison on a sample (ANN builds are slow in WASM): exact vs HNSW vs
// IVFFlat, halfvec vs vector, and the tenant-filtered HNSW walk against the exact per-org scan
// the searches use (the reasoning is beside public.narrations in migration 20250101000300).
import type { PGlite } from '@electric-sql/pglite'
import { createDatabase } from '../../supabase/tests/db'
import { generate, oneYear, type Scale } from './generate'
import { explain, recall, timeIt } from './measure'

/**
 * The tenant search's question: 10 nearest within one org. Exact over the org's rows (what
 * search_narrations does) against the global HNSW index with the org as a filter, plain (the
 * filter drops neighbours after ef_search picked them) and with pgvector 0.8's iterative scan.
 * The sample has 8 orgs (1/8 of rows per org); at one-year scale it is 1/100, worse for HNSW.
 */
async function tenantFiltered(db: PGlite, rows: { e: string; org_id: string }[], plans: string[]) {
  const sql = (cast: string | null) =>
    `select id from public.narrations where org_id = $2 order by ${
      cast === null
        ? `embedding operator(extensions.<=>) $1::extensions.halfvec`
        : `(embedding operator(extensions.<=>) $1::extensions.halfvec)${cast}`
    } limit 10`
  const nearest = async (statement: string, r: { e: string; org_id: string }) =>
    (await db.query<{ id: string }>(statement, [r.e, r.org_id])).rows.map((x) => x.id)
  const truth: string[][] = []
  for (const r of rows) truth.push(await nearest(sql('::float8'), r))
  const out: Record<string, unknown>[] = []
  const modes = [
    ['exact within the org (search_narrations)', 'off', '::float8'],
    ['hnsw + org filter', 'off', null],
    ['hnsw + org filter, iterative_scan = relaxed_order', 'relaxed_order', null],
    ['hnsw + org filter, iterative_scan = strict_order', 'strict_order', null],
  ] as const
  for (const [label, iterative, cast] of modes) {
    // Left alone, the planner already prefers the org's rows plus a sort for a filter this
    // selective; the HNSW modes switch the alternatives off so the index walk itself is measured.
    const forceIndex = cast ? 'on' : 'off'
    await db.exec(`set hnsw.iterative_scan = ${iterative}; set enable_seqscan = ${forceIndex};
      set enable_bitmapscan = ${forceIndex}; set enable_sort = ${forceIndex}; set enable_incremental_sort = ${forceIndex}`)
    const statement = sql(cast)
    const ids: string[][] = []
    const t = await timeIt(rows.length, async (i) => {
      ids[i] = await nearest(statement, rows[i]!)
    })
    out.push({ label, ...t, recallAt10InOrg: recall(ids, truth, 10) })
    plans.push(
      `## tenant-filtered vector: ${label}\n` +
        (await explain(db, statement, [rows[0]!.e, rows[0]!.org_id])),
    )
  }
  await db.exec(`reset hnsw.iterative_scan; reset enable_seqscan; reset enable_bitmapscan;
    reset enable_sort; reset enable_incremental_sort`)
  return out
}

/** Exact vs HNSW vs IVFFlat and halfvec vs vector on a sample (ANN builds are slow in WASM). */
export async function vectorIndexes(plans: string[]) {
  const sample: Scale = { ...oneYear, orgs: 8 }
  const db = await createDatabase()
  try {
    await generate(db, sample)
    await db.exec(`set maintenance_work_mem = '256MB';
      alter table public.narrations add column embedding_f32 extensions.vector(${sample.dimensions});
      update public.narrations set embedding_f32 = embedding::extensions.vector;`)
    const queryRows = (
      await db.query<{ e: string; org_id: string }>(
        `select embedding::text as e, org_id from public.narrations order by id limit 20`,
      )
    ).rows
    const queries = queryRows.map((r) => r.e)
    const nearest = async (order: string, q: string) =>
      (
        await db.query<{ id: string }>(
          `select id from public.narrations order by ${order} limit 10`,
          [q],
        )
      ).rows.map((r) => r.id)
    const truth = await Promise.all(
      queries.map((q) =>
        nearest('(embedding operator(extensions.<=>) $1::extensions.halfvec)::float8', q),
      ),
    )

    const measure = async (label: string, col: string, cast: string) => {
      const ids: string[][] = []
      const t = await timeIt(queries.length, async (i) => {
        ids[i] = await nearest(`${col} operator(extensions.<=>) $1::${cast}`, queries[i]!)
      })
      return { label, ...t, recallAt10: recall(ids, truth, 10) }
    }
    const results: Record<string, unknown>[] = []
    const rows =
      (await db.query<{ n: number }>(`select count(*)::int as n from public.narrations`)).rows[0]
        ?.n ?? 0
    results.push(await measure('exact halfvec (no index)', 'embedding', 'extensions.halfvec'))
    results.push(await measure('exact vector (no index)', 'embedding_f32', 'extensions.vector'))
    const variants = [
      [
        'hnsw halfvec',
        `create index bench_ann on public.narrations using hnsw (embedding extensions.halfvec_cosine_ops) with (m = 16, ef_construction = 64)`,
        'embedding',
        'extensions.halfvec',
      ],
      [
        'ivfflat halfvec',
        `create index bench_ann on public.narrations using ivfflat (embedding extensions.halfvec_cosine_ops) with (lists = ${Math.max(10, Math.round(Math.sqrt(rows)))})`,
        'embedding',
        'extensions.halfvec',
      ],
      [
        'hnsw vector',
        `create index bench_ann on public.narrations using hnsw (embedding_f32 extensions.vector_cosine_ops) with (m = 16, ef_construction = 64)`,
        'embedding_f32',
        'extensions.vector',
      ],
    ] as const
    for (const [label, ddl, col, cast] of variants) {
      const started = performance.now()
      await db.exec(ddl)
      const buildMs = Math.round(performance.now() - started)
      const size =
        (await db.query<{ s: number }>(`select pg_relation_size('public.bench_ann')::int as s`))
          .rows[0]?.s ?? 0
      await db.exec('set ivfflat.probes = 10; set hnsw.ef_search = 40')
      const m = await measure(label, col, cast)
      plans.push(
        `## vector ${label}\n` +
          (await explain(
            db,
            `select id from public.narrations order by ${col} operator(extensions.<=>) $1::${cast} limit 10`,
            [queries[0]],
          )),
      )
      results.push({ ...m, buildMs, indexBytes: size })
      if (label === 'hnsw halfvec') results.push(...(await tenantFiltered(db, queryRows, plans)))
      await db.exec('drop index public.bench_ann')
    }
    return { sampleNarrations: rows, dimensions: sample.dimensions, variants: results }
  } finally {
    await db.close()
  }
}
