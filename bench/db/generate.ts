// Generates the scaling plan's one-year scale in an embedded database: 100 orgs, 500 users,
// 5,000 videos (spread over the last 12 months, so every monthly partition is used), 50,000
// segments, 25,000 narrations with embeddings, and a job per video. Embeddings are clustered
// (topic centroid + noise) so approximate-nearest-neighbour recall means something.
import type { PGlite } from '@electric-sql/pglite'

export interface Scale {
  orgs: number
  usersPerOrg: number
  videosPerOrg: number
  segmentsPerVideo: number
  narrationsPerVideo: number
  dimensions: number
  topics: number
}

export const oneYear: Scale = {
  orgs: 100,
  usersPerOrg: 5,
  videosPerOrg: 50,
  segmentsPerVideo: 10,
  narrationsPerVideo: 5,
  dimensions: 1536,
  topics: 40,
}

const phrases = [
  'lineout drive',
  'scrum penalty',
  'kick-off chase',
  'counter attack',
  'breakdown turnover',
  'exit kick',
  'maul try',
  'line break',
  'missed tackle',
  'box kick',
  'restart',
  'red zone phase play',
  'defensive line speed',
  'offload in contact',
  'jackal at the ruck',
]

export async function generate(db: PGlite, s: Scale): Promise<Record<string, number>> {
  const t = (label: string, started: number, out: Record<string, number>) => {
    out[label] = Math.round(performance.now() - started)
  }
  const out: Record<string, number> = {}
  let started = performance.now()
  await db.exec(`
    select private.ensure_media_partitions(3, now() - interval '13 months');
    insert into auth.users (id, email, raw_user_meta_data)
    select gen_random_uuid(), 'bench' || g || '@bench.local', jsonb_build_object('username', 'bench' || g, 'name', 'Bench ' || g)
      from generate_series(1, ${s.orgs * s.usersPerOrg}) g;
    insert into public.organizations (slug, name, created_by)
    select 'bench-org-' || g, 'Bench Org ' || g, null from generate_series(1, ${s.orgs}) g;
    create temp table bench_orgs as select id, row_number() over (order by slug) as n from public.organizations where slug like 'bench-org-%';
    create temp table bench_users as
      select p.id, (row_number() over (order by p.username) - 1) as n from public.profiles p where p.username like 'bench%';
    insert into public.org_members (org_id, user_id, role)
    select o.id, u.id, case when u.n % ${s.usersPerOrg} = 0 then 'owner' when u.n % ${s.usersPerOrg} = 1 then 'staff' else 'member' end::public.org_role
      from bench_users u join bench_orgs o on o.n = u.n / ${s.usersPerOrg} + 1;
  `)
  t('usersAndOrgsMs', started, out)

  started = performance.now()
  await db.exec(`
    insert into public.media_assets (id, org_id, name, kind, status, progress, playable, file_name, content_type,
      size_bytes, duration_seconds, storage_prefix, original_key)
    select v.id, o.id, 'Match ' || g, case when g % 5 = 0 then 'training' when g % 7 = 0 then 'opposition' else 'match' end::public.media_kind,
           'complete', 1, true, 'm.mp4', 'video/mp4', 1048576, 4800,
           'orgs/' || o.id || '/media/' || v.id || '/', 'orgs/' || o.id || '/media/' || v.id || '/original/source.mp4'
      from bench_orgs o, generate_series(1, ${s.videosPerOrg}) g,
           lateral (select private.uuid_v7(now() - make_interval(secs => random() * 365 * 86400) + make_interval(secs => g * 0 + o.n * 0)) as id) v;
    insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds, source)
    select a.org_id, a.id, g * 400 + 20, g * 400 + 20 + 8 + (g % 20), 'coach'
      from public.media_assets a, generate_series(0, ${s.segmentsPerVideo - 1}) g;
    insert into public.jobs (org_id, media_asset_id, type, state, progress, attempt, finished_at, idempotency_key)
    select a.org_id, a.id, 'transcode', 'succeeded', 1, 1, a.created_at + interval '10 minutes', 'transcode:' || a.id
      from public.media_assets a;
    insert into public.jobs (org_id, type, payload)
    select o.id, 'embed', '{}'::jsonb from bench_orgs o, generate_series(1, 5);
  `)
  t('mediaSegmentsJobsMs', started, out)

  started = performance.now()
  await db.exec(`
    create temp table topics as
      select t as topic, array(select (random() - 0.5)::real from generate_series(1, ${s.dimensions})) as c
        from generate_series(0, ${s.topics - 1}) t;
    create temp table phrases (n int, p text);
    insert into phrases values ${phrases.map((p, i) => `(${i}, '${p}')`).join(', ')};
    insert into public.narrations (org_id, media_asset_id, segment_id, raw_transcript, start_seconds, source_type, embedding)
    select sg.org_id, sg.media_asset_id, sg.id,
           initcap(p.p) || ': ' || (array['good', 'poor', 'quick', 'slow', 'strong', 'weak'])[1 + (k % 6)] || ' execution, watch the support runner',
           sg.start_seconds + 2, 'staff',
           (select array_agg(c + (random() - 0.5)::real * 0.6 order by i)
              from unnest((select c from topics where topic = k % ${s.topics})) with ordinality as x (c, i))::extensions.halfvec
      from (select s.*, row_number() over (partition by s.media_asset_id order by s.start_seconds) as r
              from public.segments s) sg
      cross join lateral (select (hashtext(sg.id::text) & 2147483647) as k) kk
      join phrases p on p.n = kk.k % ${phrases.length}
     where sg.r <= ${s.narrationsPerVideo};
  `)
  t('narrationsWithEmbeddingsMs', started, out)
  started = performance.now()
  await db.exec('analyze')
  t('analyzeMs', started, out)
  return out
}
