// Search-quality bench (`npm run bench -- search`): two labelled sets of rugby narrations with
// queries and their relevant narrations, each loaded into its own org of an in-memory PGlite with
// every migration, then recall@10 and MRR for full text only, vector only and hybrid (RRF), all
// through the real SQL search function acting as an org member. The embedder is the offline one
// the platform uses without keys, or OpenAI's when OPENAI_API_KEY is set.
//
// Protocol, so the figures are not tuned on the labels they report:
// - dataset.json is the development set (200 narrations, 40 queries, one topic per narration).
//   Any ranking parameter of the search (text scoring, RRF k, candidate depth) is chosen on its
//   even-indexed queries only (the selection half); the odd-indexed half is held out.
// - testset.json and testset2.json are test sets, 200 narrations and 40 queries each (multi-topic
//   notes, player names, perspective queries, relevance judged against every note), written by
//   separate authors who saw neither the search code nor the other sets. Nothing is chosen on
//   them. testset.json was first evaluated with row_number() ranks in the fusion and then looked
//   at while tie-aware ranks (now private.rrf_fuse) were adopted, so it is no longer blind;
//   testset2.json was written after that method was frozen and is the honest test.
// Each figure comes with a paired bootstrap 95 % interval of hybrid minus the better single method.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { createDatabase, repoRoot } from '../../supabase/tests/db'
import { OfflineEmbeddings } from '../../supabase/functions/_shared/providers/offline.ts'
import { OpenAIEmbeddings } from '../../supabase/functions/_shared/providers/production.ts'
import type { EmbeddingProvider } from '../../supabase/functions/_shared/providers/types.ts'

interface Dataset {
  about?: string
  matches: Array<{ id: string; name: string }>
  narrations: Array<{ id: string; matchId: string; startSeconds: number; text: string }>
  queries: Array<{ id: string; query: string; relevant: string[] }>
}

type Method = 'fullText' | 'vector' | 'hybrid'
const K = 10

export const LABELLED_SETS = {
  development: 'dataset.json',
  test1: 'testset.json',
  test2: 'testset2.json',
} as const

const PROTOCOLS: Record<keyof typeof LABELLED_SETS, string> = {
  development:
    'ranking parameters chosen on even-indexed queries (selection); odd-indexed held out',
  test1: 'written and judged blind; seen once before tie-aware fusion was adopted',
  test2: 'written and judged blind after the method was frozen; evaluated as is',
}

export function loadDataset(file: string = LABELLED_SETS.development): Dataset {
  return JSON.parse(readFileSync(join(repoRoot, 'bench', 'search', file), 'utf8'))
}

export function recallAt(k: number, ranked: string[], relevant: Set<string>): number {
  const hits = ranked.slice(0, k).filter((id) => relevant.has(id)).length
  return hits / Math.min(k, relevant.size)
}

export function reciprocalRank(ranked: string[], relevant: Set<string>): number {
  const index = ranked.findIndex((id) => relevant.has(id))
  return index < 0 ? 0 : 1 / (index + 1)
}

const vectorText = (v: number[]) => `[${v.join(',')}]`

/**
 * A fixed UUID per labelled narration. The search breaks score ties by id; with random ids the
 * figures moved by up to ±0.04 MRR between runs (the offline ranks tie often). Hashing keeps
 * the ids stable without ordering them by topic, which would bias the tie-breaks.
 */
export function stableUuid(key: string): string {
  const h = createHash('sha256').update(`bench-search:${key}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const benchUser = '00000000-0000-4000-8000-00000000be01'

async function seed(db: PGlite, name: string, data: Dataset, embedder: EmbeddingProvider) {
  const user = benchUser
  const org = stableUuid(`org:${name}`)
  await db.query(
    `insert into public.organizations (id, slug, name, created_by) values ($1, $2, $3, null)`,
    [org, `bench-search-${name}`, `Bench search ${name}`],
  )
  await db.query(
    `insert into public.org_members (org_id, user_id, role) values ($1, $2, 'staff')`,
    [org, user],
  )
  const assets = new Map<string, string>()
  for (const match of data.matches) {
    const [row] = (
      await db.query<{ id: string }>(
        `insert into public.media_assets (id, org_id, name, kind, status, progress, playable, file_name,
           content_type, size_bytes, duration_seconds, storage_prefix, original_key)
         select v.id, $1::uuid, $2, 'match', 'complete', 1, true, 'm.mp4', 'video/mp4', 1, 4800,
                'orgs/' || $1::text || '/media/' || v.id || '/', 'orgs/' || $1::text || '/media/' || v.id || '/original/source.mp4'
           from (select private.uuid_v7(now()) as id) v
         returning id`,
        [org, match.name],
      )
    ).rows
    assets.set(match.id, row!.id)
  }
  const vectors = await embedder.embed(data.narrations.map((n) => n.text))
  const ids = new Map<string, string>()
  for (const [i, n] of data.narrations.entries()) {
    const { rows } = await db.query<{ id: string }>(
      `insert into public.narrations (id, org_id, media_asset_id, author_id, input_type, raw_transcript,
         start_seconds, embedding, embedding_model)
       values ($8, $1, $2, $3, 'text', $4, $5, $6::extensions.halfvec, $7) returning id`,
      [
        org,
        assets.get(n.matchId),
        user,
        n.text,
        n.startSeconds,
        vectorText(vectors[i]!),
        embedder.name,
        stableUuid(n.id),
      ],
    )
    ids.set(rows[0]!.id, n.id)
  }
  return { org, ids }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000

type QueryFigures = Record<Method, { recall: number; rr: number }>

/** A small seeded PRNG (mulberry32), so the bootstrap intervals are the same on every run. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Paired bootstrap over queries: the 95 % interval of mean(hybrid) − mean(other) for one metric.
 * With 20–40 queries one first hit moves MRR by ~0.025, so a point difference alone says little.
 */
export function bootstrapDiff(
  rows: QueryFigures[],
  key: 'recall' | 'rr',
  other: Exclude<Method, 'hybrid'>,
  samples = 10000,
): [number, number] {
  const next = random(0x5eed)
  const diffs = rows.map((r) => r.hybrid[key] - r[other][key])
  const means: number[] = []
  for (let s = 0; s < samples; s++) {
    let sum = 0
    for (let i = 0; i < diffs.length; i++) sum += diffs[Math.floor(next() * diffs.length)]!
    means.push(sum / diffs.length)
  }
  means.sort((a, b) => a - b)
  return [round3(means[Math.floor(samples * 0.025)]!), round3(means[Math.floor(samples * 0.975)]!)]
}

/** Mean recall@10 and MRR per method over some queries, whether hybrid strictly beats the
 * better single method on each metric (the acceptance of NARR-5), and the bootstrap interval of
 * that margin. */
export function summarize(rows: QueryFigures[]) {
  const mean = (m: Method, key: 'recall' | 'rr') =>
    round3(rows.reduce((s, r) => s + r[m][key], 0) / rows.length)
  const figures = Object.fromEntries(
    (['fullText', 'vector', 'hybrid'] as const).map((m) => [
      m,
      { recallAt10: mean(m, 'recall'), mrr: mean(m, 'rr') },
    ]),
  ) as Record<Method, { recallAt10: number; mrr: number }>
  const beats = (key: 'recallAt10' | 'mrr') =>
    figures.hybrid[key] > Math.max(figures.fullText[key], figures.vector[key])
  const margin = (key: 'recallAt10' | 'mrr', raw: 'recall' | 'rr') => {
    const best = figures.fullText[key] >= figures.vector[key] ? 'fullText' : 'vector'
    return {
      over: best,
      margin: round3(figures.hybrid[key] - figures[best][key]),
      ci95: bootstrapDiff(rows, raw, best),
    }
  }
  return {
    queries: rows.length,
    ...figures,
    hybridBeatsBestSingle: { recallAt10: beats('recallAt10'), mrr: beats('mrr') },
    hybridMargin: { recallAt10: margin('recallAt10', 'recall'), mrr: margin('mrr', 'rr') },
  }
}

async function evaluate(
  db: PGlite,
  org: string,
  ids: Map<string, string>,
  data: Dataset,
  embedder: EmbeddingProvider,
): Promise<QueryFigures[]> {
  const queryVectors = await embedder.embed(data.queries.map((q) => q.query))
  const perQuery: QueryFigures[] = []
  await db.exec('begin')
  try {
    await db.query(
      `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: benchUser, role: 'authenticated' })],
    )
    for (const [i, q] of data.queries.entries()) {
      const relevant = new Set(q.relevant)
      const vector = vectorText(queryVectors[i]!)
      const runs: Record<Method, [string | null, string | null]> = {
        fullText: [q.query, null],
        vector: ['', vector],
        hybrid: [q.query, vector],
      }
      const figures = {} as QueryFigures
      for (const [method, [text, embedding]] of Object.entries(runs) as [
        Method,
        [string | null, string | null],
      ][]) {
        const { rows } = await db.query<{ narration_id: string }>(
          `select id as narration_id from private.search_knowledge($1, $2, $3::extensions.halfvec, null, 20)`,
          [org, text, embedding],
        )
        const ranked = rows.map((r) => ids.get(r.narration_id)!)
        figures[method] = {
          recall: recallAt(K, ranked, relevant),
          rr: reciprocalRank(ranked, relevant),
        }
      }
      perQuery.push(figures)
    }
  } finally {
    await db.exec('rollback')
  }
  return perQuery
}

export async function runSearchBench(): Promise<Record<string, unknown>> {
  const key = process.env.OPENAI_API_KEY
  const dimensions = Number(process.env.EMBEDDING_DIMENSIONS ?? 1536)
  const embedder: EmbeddingProvider = key
    ? new OpenAIEmbeddings(key, dimensions)
    : new OfflineEmbeddings(dimensions)
  const db = await createDatabase()
  try {
    await db.exec(`select private.ensure_media_partitions(1, now() - interval '1 month')`)
    await db.exec(`
      insert into auth.users (id, email, raw_user_meta_data)
      values ('${benchUser}', 'bench-search@bench.local', '{"username":"benchsearch","name":"Bench"}')`)
    const sets: Record<string, unknown> = {}
    const pooled: QueryFigures[] = []
    for (const [name, file] of Object.entries(LABELLED_SETS)) {
      const data = loadDataset(file)
      const { org, ids } = await seed(db, name, data, embedder)
      const perQuery = await evaluate(db, org, ids, data, embedder)
      pooled.push(...perQuery)
      sets[name] = {
        file: `bench/search/${file}`,
        ...(data.about ? { about: data.about } : {}),
        narrations: data.narrations.length,
        queries: data.queries.length,
        protocol: PROTOCOLS[name as keyof typeof LABELLED_SETS],
        ...(name === 'development'
          ? {
              selection: summarize(perQuery.filter((_, i) => i % 2 === 0)),
              heldOut: summarize(perQuery.filter((_, i) => i % 2 === 1)),
            }
          : {}),
        all: summarize(perQuery),
      }
    }
    // Every labelled query of the three sets, each set searched in its own org.
    return { embedder: embedder.name, dimensions, ...sets, pooled: summarize(pooled) }
  } finally {
    await db.close()
  }
}
