// Database bench (`npm run bench -- db`): the one-year scale in an embedded PGlite, p50/p95 of the
// hot queries acting as a real member through RLS, EXPLAIN plans to bench/out/db-plans.txt, and
// the vector-index comparison (exact vs HNSW vs IVFFlat, halfvec vs vector) on a sample.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { createDatabase, repoRoot } from '../../supabase/tests/db'
import { generate, oneYear, type Scale } from './generate'

const ITERATIONS = Number(process.env.BENCH_DB_ITERATIONS ?? 40)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

async function timeIt(runs: number, fn: (i: number) => Promise<unknown>) {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await fn(i)
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 100) / 100
  return { p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)) }
}

/** Runs `fn` inside a transaction as the given user, the way edge functions do. */
async function asUser<T>(db: PGlite, userId: string, fn: () => Promise<T>): Promise<T> {
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

async function explain(db: PGlite, sql: string, params: unknown[]) {
  const r = await db.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, costs off, timing off) ${sql}`,
    params,
  )
  return r.rows.map((row) => row['QUERY PLAN']).join('\n')
}

async function hotQueries(db: PGlite, plans: string[]) {
  const picks = (
    await db.query<{ user_id: string; org_id: string; media_id: string }>(`
      select m.user_id, m.org_id,
             (select a.id from public.media_assets a where a.org_id = m.org_id and a.kind = 'match' order by a.id desc limit 1) as media_id
        from public.org_members m join public.organizations o on o.id = m.org_id
       where m.role = 'member' and o.slug like 'bench-org-%' order by m.user_id limit ${ITERATIONS}`)
  ).rows
  const probe =
    (
      await db.query<{ e: string }>(
        `select embedding::text as e from public.narrations where embedding is not null limit 1`,
      )
    ).rows[0]?.e ?? ''
  if (picks.length === 0) throw new Error('bench data has no members to act as')
  const pick = (i: number) => picks[i % picks.length]!

  const library = `select id, name, kind, status, progress, playable, created_at from public.media_assets
                    where org_id = $1 order by created_at desc limit 50`
  const timeline = `select s.id, s.start_seconds, s.end_seconds, s.source, s.title,
                           (select count(*) from public.narrations n where n.segment_id = s.id) as narrations
                      from public.segments s where s.media_asset_id = $1 order by s.start_seconds`
  const search = `select * from private.search_narrations($1, 'lineout drive support', $2::extensions.halfvec, null, 20)`
  const overview = `select private.match_overview($1)`
  const claim = `select id from private.claim_next_job('bench-worker', 60)`

  const figures: Record<string, unknown> = {}
  figures.mediaLibraryPage = await timeIt(ITERATIONS, (i) =>
    asUser(db, pick(i).user_id, () => db.query(library, [pick(i).org_id])),
  )
  figures.segmentTimeline = await timeIt(ITERATIONS, (i) =>
    asUser(db, pick(i).user_id, () => db.query(timeline, [pick(i).media_id])),
  )
  figures.hybridSearchOrg = await timeIt(ITERATIONS, (i) =>
    asUser(db, pick(i).user_id, () => db.query(search, [pick(i).org_id, probe])),
  )
  figures.matchOverview = await timeIt(ITERATIONS, (i) =>
    asUser(db, pick(i).user_id, () => db.query(overview, [pick(i).media_id])),
  )
  // Claims consume queued jobs; each runs in a rolled-back transaction so the queue stays full.
  figures.jobClaim = await timeIt(ITERATIONS, async () => {
    await db.exec('begin')
    await db.query(claim)
    await db.exec('rollback')
  })

  const p = pick(0)
  await asUser(db, p.user_id, async () => {
    plans.push('## media library page (member, RLS)\n' + (await explain(db, library, [p.org_id])))
    plans.push('## segment timeline (member, RLS)\n' + (await explain(db, timeline, [p.media_id])))
    plans.push(
      '## hybrid search: full-text candidates (member, RLS)\n' +
        (await explain(
          db,
          `select id from public.narrations n where n.org_id = $1 and n.transcript_tsv @@ websearch_to_tsquery('english', 'lineout drive support') order by ts_rank_cd(n.transcript_tsv, websearch_to_tsquery('english', 'lineout drive support')) desc limit 50`,
          [p.org_id],
        )),
    )
    plans.push(
      '## hybrid search: vector candidates, exact within the org (member, RLS)\n' +
        (await explain(
          db,
          `select id from public.narrations n where n.org_id = $1 and n.embedding is not null order by (n.embedding operator(extensions.<=>) $2::extensions.halfvec)::float8 limit 50`,
          [p.org_id, probe],
        )),
    )
    plans.push(
      '## match overview: narrations of a match\n' +
        (await explain(db, `select count(*) from public.narrations where media_asset_id = $1`, [
          p.media_id,
        ])),
    )
  })
  await db.exec('begin')
  plans.push(
    '## job claim: queued scan\n' +
      (await explain(
        db,
        `select id from public.jobs where state = 'queued' and run_after <= now() order by run_after, created_at limit 1 for update skip locked`,
        [],
      )),
  )
  await db.exec('rollback')
  return figures
}

/** Exact vs HNSW vs IVFFlat and halfvec vs vector on a sample (ANN builds are slow in WASM). */
async function vectorIndexes(plans: string[]) {
  const sample: Scale = { ...oneYear, orgs: 8 }
  const db = await createDatabase()
  try {
    await generate(db, sample)
    await db.exec(`set maintenance_work_mem = '256MB';
      alter table public.narrations add column embedding_f32 extensions.vector(${sample.dimensions});
      update public.narrations set embedding_f32 = embedding::extensions.vector;`)
    const queries = (
      await db.query<{ e: string }>(
        `select embedding::text as e from public.narrations order by id limit 20`,
      )
    ).rows.map((r) => r.e)
    const exact = async (col: string, cast: string, q: string) =>
      (
        await db.query<{ id: string }>(
          `select id from public.narrations order by (${col} operator(extensions.<=>) $1::${cast})::float8 limit 10`,
          [q],
        )
      ).rows.map((r) => r.id)
    const truth = await Promise.all(queries.map((q) => exact('embedding', 'extensions.halfvec', q)))

    const measure = async (label: string, col: string, cast: string) => {
      const ids: string[][] = []
      const t = await timeIt(queries.length, async (i) => {
        const r = await db.query<{ id: string }>(
          `select id from public.narrations order by ${col} operator(extensions.<=>) $1::${cast} limit 10`,
          [queries[i]],
        )
        ids[i] = r.rows.map((x) => x.id)
      })
      const recall =
        ids.reduce(
          (acc, got, i) => acc + got.filter((id) => (truth[i] ?? []).includes(id)).length / 10,
          0,
        ) / queries.length
      return { label, ...t, recallAt10: Math.round(recall * 1000) / 1000 }
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
      await db.exec('drop index public.bench_ann')
    }
    return { sampleNarrations: rows, dimensions: sample.dimensions, variants: results }
  } finally {
    await db.close()
  }
}

export async function runDbBench(): Promise<Record<string, unknown>> {
  const plans: string[] = []
  const db = await createDatabase()
  let load: Record<string, number>
  let figures: Record<string, unknown>
  let counts: Record<string, number>
  try {
    load = await generate(db, oneYear)
    // The tenant search is exact within the org (see search_narrations), so the full-scale run
    // skips the global ANN index, whose build alone takes minutes in single-threaded WASM.
    counts =
      (
        await db.query<Record<string, number>>(`select
        (select count(*) from public.organizations)::int as orgs, (select count(*) from public.profiles)::int as users,
        (select count(*) from public.media_assets)::int as videos, (select count(*) from public.segments)::int as segments,
        (select count(*) from public.narrations)::int as narrations,
        (select count(*) from pg_inherits where inhparent = 'public.media_assets'::regclass)::int as partitions`)
      ).rows[0] ?? {}
    figures = await hotQueries(db, plans)
  } finally {
    await db.close()
  }
  const vector = await vectorIndexes(plans)
  const outDir = join(repoRoot, 'bench', 'out')
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, 'db-plans.txt'), plans.join('\n\n') + '\n')
  return {
    scale: counts,
    loadMs: load,
    iterations: ITERATIONS,
    queriesMs: figures,
    vectorIndex: vector,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runDbBench(), null, 2))
}
