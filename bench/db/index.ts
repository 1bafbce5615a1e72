// Database bench (`npm run bench -- db`): the one-year scale in an embedded PGlite, p50/p95 of the
// hot queries acting as a real member through RLS, EXPLAIN plans of the statements each one runs
// to bench/out/db-plans.txt, and the vector-index comparison (exact vs HNSW vs IVFFlat, halfvec
// vs vector, and a tenant-filtered HNSW walk) on a sample. Prints a p50/p95 table with the load
// average: this machine is shared, so a figure means little without it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { createDatabase, repoRoot } from '../../supabase/tests/db'
import { generate, oneYear, type Scale } from './generate'

// 200 samples put p95 at the 10th-slowest call rather than the 2nd, so one scheduler stall on a
// loaded machine does not decide it. The first calls of a connection load the text-search
// dictionaries and compile the plpgsql functions: those are reported apart as `firstCallMs`
// (a pooled connection pays them once) and kept out of the steady-state percentiles.
const ITERATIONS = Number(process.env.BENCH_DB_ITERATIONS ?? 200)
const WARMUP = Number(process.env.BENCH_DB_WARMUP ?? 5)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

const round = (n: number) => Math.round(n * 100) / 100

interface Timing {
  p50: number
  p95: number
  max: number
  firstCallMs?: number
}

async function timeIt(
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

/** Plans print query vectors in full; 1,536 numbers per line would bury the plan. */
function shortenVectors(plan: string): string {
  return plan.replace(/'\[[-0-9.e,]{200,}\]'/g, (m) => `'[…${m.split(',').length} dims]'`)
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
  return shortenVectors(r.rows.map((row) => row['QUERY PLAN']).join('\n'))
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
  // Mirrors the return query of private.search_narrations (migration 20250101000600); keep in step.
  const searchBody = `
    with q as (select websearch_to_tsquery('english'::regconfig, $2::text) as tsq),
    c as materialized (
      select n.id, n.media_asset_id, n.segment_id, n.start_seconds,
             coalesce(nullif(n.clean_transcript, ''), n.raw_transcript) as transcript,
             case when n.transcript_tsv @@ q.tsq then ts_rank_cd(n.transcript_tsv, q.tsq) end as text_score,
             case when $3::extensions.halfvec is not null and n.embedding is not null
                  then (n.embedding operator(extensions.<=>) $3::extensions.halfvec)::float8 end as distance
        from public.narrations n, q
       where n.org_id = $1::uuid and ($4::uuid is null or n.media_asset_id = $4::uuid)
         and ($3::extensions.halfvec is not null or n.transcript_tsv @@ q.tsq)
    ), text_hits as (
      select c.id, row_number() over (order by c.text_score desc, c.id)::int as r
        from c where c.text_score is not null order by c.text_score desc, c.id limit $6::int
    ), vector_hits as (
      select c.id, row_number() over (order by c.distance, c.id)::int as r
        from c where c.distance is not null order by c.distance, c.id limit $6::int
    ), fused as (
      select coalesce(t.id, v.id) as id, t.r as tr, v.r as vr,
             coalesce(1.0 / ($7::int + t.r), 0) + coalesce(1.0 / ($7::int + v.r), 0) as s
        from text_hits t full join vector_hits v on v.id = t.id
    )
    select c.id, c.media_asset_id, c.segment_id, c.start_seconds, c.transcript, f.tr, f.vr, f.s::double precision
      from fused f join c on c.id = f.id
     order by f.s desc, c.id
     limit $5::int`
  const overview = `select private.match_overview($1)`
  const claim = `select id from private.claim_next_job('bench-worker', 60)`

  const figures: Record<string, Timing> = {}
  figures.mediaLibraryPage = await timeIt(
    ITERATIONS,
    (i) => asUser(db, pick(i).user_id, () => db.query(library, [pick(i).org_id])),
    WARMUP,
  )
  figures.segmentTimeline = await timeIt(
    ITERATIONS,
    (i) => asUser(db, pick(i).user_id, () => db.query(timeline, [pick(i).media_id])),
    WARMUP,
  )
  figures.hybridSearchOrg = await timeIt(
    ITERATIONS,
    (i) => asUser(db, pick(i).user_id, () => db.query(search, [pick(i).org_id, probe])),
    WARMUP,
  )
  figures.matchOverview = await timeIt(
    ITERATIONS,
    (i) => asUser(db, pick(i).user_id, () => db.query(overview, [pick(i).media_id])),
    WARMUP,
  )
  // Claims consume queued jobs; each runs in a rolled-back transaction so the queue stays full.
  figures.jobClaim = await timeIt(
    ITERATIONS,
    async () => {
      await db.exec('begin')
      await db.query(claim)
      await db.exec('rollback')
    },
    WARMUP,
  )

  // The plans of the statements inside the functions, as they run them (same text, the
  // function's variables as parameters), since EXPLAIN of a function call shows one opaque node.
  const p = pick(0)
  await asUser(db, p.user_id, async () => {
    plans.push('## media library page (member, RLS)\n' + (await explain(db, library, [p.org_id])))
    plans.push('## segment timeline (member, RLS)\n' + (await explain(db, timeline, [p.media_id])))
    plans.push(
      '## hybrid search in one org: the fused statement of search_narrations (member, RLS)\n' +
        (await explain(db, searchBody, [
          p.org_id,
          'lineout drive support',
          probe,
          null,
          20,
          50,
          60,
        ])),
    )
    plans.push(
      '## match overview: the stats row (replaces counting the match and the asset lookup)\n' +
        (await explain(db, `select * from public.match_stats where media_asset_id = $1`, [
          p.media_id,
        ])),
    )
    plans.push(
      '## match overview: previous matches of the org, one index range on match_stats\n' +
        (await explain(
          db,
          `select ms.narration_count, ms.segment_count from public.match_stats ms
            where ms.org_id = $1 and ms.kind = 'match' and ms.media_asset_id < $2
            order by ms.media_asset_id desc limit 5`,
          [p.org_id, p.media_id],
        )),
    )
    plans.push(
      '## match overview: duration of the match (coverage end point)\n' +
        (await explain(db, `select duration_seconds from public.media_assets where id = $1`, [
          p.media_id,
        ])),
    )
    plans.push(
      '## match overview: narrations of the match (momentum, coverage)\n' +
        (await explain(
          db,
          `select n.segment_id, n.start_seconds from public.narrations n where n.media_asset_id = $1`,
          [p.media_id],
        )),
    )
    plans.push(
      '## match overview: tags of the match segments\n' +
        (await explain(
          db,
          `select t.tag_type, t.tag_key from public.segment_tags t
             join public.segments s on s.id = t.segment_id where s.media_asset_id = $1`,
          [p.media_id],
        )),
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

/**
 * The tenant search's question: 10 nearest within one org. Exact over the org's rows (what
 * search_narrations does) against the global HNSW index with the org as a filter, plain (the
 * filter drops neighbours after ef_search picked them) and with pgvector 0.8's iterative scan.
 * The sample has 8 orgs (1/8 of rows per org); at one-year scale it is 1/100, worse for HNSW.
 */
async function tenantFiltered(db: PGlite, rows: { e: string; org_id: string }[], plans: string[]) {
  const sql = (order: string) =>
    `select id from public.narrations where org_id = $2 order by ${order} limit 10`
  const truth: string[][] = []
  for (const r of rows) {
    truth.push(
      (
        await db.query<{ id: string }>(
          sql(`(embedding operator(extensions.<=>) $1::extensions.halfvec)::float8`),
          [r.e, r.org_id],
        )
      ).rows.map((x) => x.id),
    )
  }
  const out: Record<string, unknown>[] = []
  const modes = [
    ['exact within the org (search_narrations)', 'off', '::float8'],
    ['hnsw + org filter', 'off', ''],
    ['hnsw + org filter, iterative_scan = relaxed_order', 'relaxed_order', ''],
    ['hnsw + org filter, iterative_scan = strict_order', 'strict_order', ''],
  ] as const
  for (const [label, iterative, cast] of modes) {
    // Left alone, the planner already prefers the org's rows plus a sort for a filter this
    // selective; the HNSW modes switch the alternatives off so the index walk itself is measured.
    const forceIndex = cast ? 'on' : 'off'
    await db.exec(`set hnsw.iterative_scan = ${iterative}; set enable_seqscan = ${forceIndex};
      set enable_bitmapscan = ${forceIndex}; set enable_sort = ${forceIndex}; set enable_incremental_sort = ${forceIndex}`)
    const ids: string[][] = []
    const t = await timeIt(rows.length, async (i) => {
      const r = await db.query<{ id: string }>(
        sql(
          cast
            ? `(embedding operator(extensions.<=>) $1::extensions.halfvec)${cast}`
            : `embedding operator(extensions.<=>) $1::extensions.halfvec`,
        ),
        [rows[i]!.e, rows[i]!.org_id],
      )
      ids[i] = r.rows.map((x) => x.id)
    })
    const recall =
      ids.reduce(
        (acc, got, i) => acc + got.filter((id) => (truth[i] ?? []).includes(id)).length / 10,
        0,
      ) / rows.length
    out.push({ label, ...t, recallAt10InOrg: Math.round(recall * 1000) / 1000 })
    plans.push(
      `## tenant-filtered vector: ${label}\n` +
        (await explain(
          db,
          sql(
            cast
              ? `(embedding operator(extensions.<=>) $1::extensions.halfvec)${cast}`
              : `embedding operator(extensions.<=>) $1::extensions.halfvec`,
          ),
          [rows[0]!.e, rows[0]!.org_id],
        )),
    )
  }
  await db.exec(`reset hnsw.iterative_scan; reset enable_seqscan; reset enable_bitmapscan;
    reset enable_sort; reset enable_incremental_sort`)
  return out
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
    const queryRows = (
      await db.query<{ e: string; org_id: string }>(
        `select embedding::text as e, org_id from public.narrations order by id limit 20`,
      )
    ).rows
    const queries = queryRows.map((r) => r.e)
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
      if (label === 'hnsw halfvec') results.push(...(await tenantFiltered(db, queryRows, plans)))
      await db.exec('drop index public.bench_ann')
    }
    return { sampleNarrations: rows, dimensions: sample.dimensions, variants: results }
  } finally {
    await db.close()
  }
}

const labels: Record<string, string> = {
  mediaLibraryPage: 'media library page',
  segmentTimeline: 'segment timeline',
  hybridSearchOrg: 'hybrid search in one org',
  matchOverview: 'match overview',
  jobClaim: 'job claim',
}

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
