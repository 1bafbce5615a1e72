// The hot queries at one-year scale: p50/p95 of what a member's pages run (through RLS) and of a
// worker's job claim, and the EXPLAIN plans of the statements inside the functions.
import type { PGlite } from '@electric-sql/pglite'
import { asUser, explain, ITERATIONS, timeIt, type Timing, WARMUP } from './measure'

interface Member {
  user_id: string
  org_id: string
  media_id: string
}

const library = `select id, name, kind, status, progress, playable, created_at from public.media_assets
                  where org_id = $1 order by created_at desc limit 50`
const timeline = `select s.id, s.start_seconds, s.end_seconds, s.source, s.title,
                         (select count(*) from public.narrations n where n.segment_id = s.id) as narrations
                    from public.segments s where s.media_asset_id = $1 order by s.start_seconds`
const search = `select * from private.search_narrations($1, 'lineout drive support', $2::extensions.halfvec, null, 20)`
// The return query of private.search_narrations (migration 20250101000500) with the function's
// variables as parameters, since EXPLAIN of the call shows one opaque node; keep in step.
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
  )
  select c.id, c.media_asset_id, c.segment_id, c.start_seconds, c.transcript,
         f.text_rank, f.vector_rank, f.score::double precision
    from private.rrf_fuse(
           (select array_agg(row('narration', c.id, c.text_score, c.distance)::private.rrf_candidate) from c),
           $6::int, $7::int, p_tie_aware => false) f
    join c on c.id = f.id
   order by f.score desc, c.id
   limit $5::int`
const overview = `select private.match_overview($1)`
const claim = `select id from private.claim_next_job('bench-worker', 60)`

export const labels: Record<string, string> = {
  mediaLibraryPage: 'media library page',
  segmentTimeline: 'segment timeline',
  hybridSearchOrg: 'hybrid search in one org',
  matchOverview: 'match overview',
  jobClaim: 'job claim',
}

export async function hotQueries(db: PGlite, plans: string[]) {
  const picks = (
    await db.query<Member>(`
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

  // What each member page runs, with that member's parameters; a different member each call.
  const memberQueries: Record<string, [string, (m: Member) => unknown[]]> = {
    mediaLibraryPage: [library, (m) => [m.org_id]],
    segmentTimeline: [timeline, (m) => [m.media_id]],
    hybridSearchOrg: [search, (m) => [m.org_id, probe]],
    matchOverview: [overview, (m) => [m.media_id]],
  }
  const figures: Record<string, Timing> = {}
  for (const [name, [sql, params]] of Object.entries(memberQueries)) {
    figures[name] = await timeIt(
      ITERATIONS,
      (i) => asUser(db, pick(i).user_id, () => db.query(sql, params(pick(i)))),
      WARMUP,
    )
  }
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
  const memberPlans: [string, string, unknown[]][] = [
    ['media library page (member, RLS)', library, [p.org_id]],
    ['segment timeline (member, RLS)', timeline, [p.media_id]],
    [
      'hybrid search in one org: the fused statement of search_narrations (member, RLS)',
      searchBody,
      [p.org_id, 'lineout drive support', probe, null, 20, 50, 60],
    ],
    [
      'match overview: the stats row (replaces counting the match and the asset lookup)',
      `select * from public.match_stats where media_asset_id = $1`,
      [p.media_id],
    ],
    [
      'match overview: previous matches of the org, one index range on match_stats',
      `select ms.narration_count, ms.segment_count from public.match_stats ms
        where ms.org_id = $1 and ms.kind = 'match' and ms.media_asset_id < $2
        order by ms.media_asset_id desc limit 5`,
      [p.org_id, p.media_id],
    ],
    [
      'match overview: duration of the match (coverage end point)',
      `select duration_seconds from public.media_assets where id = $1`,
      [p.media_id],
    ],
    [
      'match overview: narrations of the match (momentum, coverage)',
      `select n.segment_id, n.start_seconds from public.narrations n where n.media_asset_id = $1`,
      [p.media_id],
    ],
    [
      'match overview: tags of the match segments',
      `select t.tag_type, t.tag_key from public.segment_tags t
         join public.segments s on s.id = t.segment_id where s.media_asset_id = $1`,
      [p.media_id],
    ],
  ]
  await asUser(db, p.user_id, async () => {
    for (const [title, sql, params] of memberPlans) {
      plans.push(`## ${title}\n` + (await explain(db, sql, params)))
    }
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
