-- The one-year-scale read paths: per-match aggregates kept by triggers, the overview and org stats
-- that read them, and hybrid search where the vector half really changes the order (NARR-5).
begin;
select plan(29);
select tests.create_world();

-- Per-match aggregates --------------------------------------------------------------------------
select is((select array[segment_count, narration_count] from public.match_stats where media_asset_id = tests.fx('media_a')),
  array[2, 1], 'every asset gets a stats row counting its segments and narrations');
select is((select array[segment_count, narration_count] from public.match_stats where media_asset_id = tests.fx('media2_a')),
  array[0, 0], 'an asset without content counts zero');

insert into public.narrations (org_id, media_asset_id, raw_transcript, start_seconds)
select tests.fx('org_a'), tests.fx('media_a'), 'Bulk note ' || g, 600 + g from generate_series(1, 3) g;
select is((select narration_count from public.match_stats where media_asset_id = tests.fx('media_a')), 4,
  'a multi-row insert adds every row');
update public.narrations set media_asset_id = tests.fx('media2_a') where raw_transcript = 'Bulk note 1';
select is(array[(select narration_count from public.match_stats where media_asset_id = tests.fx('media_a')),
                (select narration_count from public.match_stats where media_asset_id = tests.fx('media2_a'))],
  array[3, 1], 'moving a narration to another match moves its count');
update public.narrations set raw_transcript = 'Bulk note 2 edited' where raw_transcript = 'Bulk note 2';
select is((select narration_count from public.match_stats where media_asset_id = tests.fx('media_a')), 3,
  'an ordinary edit leaves the counts alone');
delete from public.narrations where raw_transcript like 'Bulk note%';
select is((select narration_count from public.match_stats where media_asset_id = tests.fx('media_a')), 1,
  'deletes subtract');
delete from public.segments where id = tests.fx('seg2_a');
select is((select segment_count from public.match_stats where media_asset_id = tests.fx('media_a')), 1,
  'segment deletes subtract');
update public.media_assets set kind = 'training' where id = tests.fx('media2_a');
select is((select kind::text from public.match_stats where media_asset_id = tests.fx('media2_a')), 'training',
  'a kind change follows the asset');
update public.media_assets set kind = 'match' where id = tests.fx('media2_a');
select is((select count(*)::int from public.match_stats where org_id = tests.fx('org_a')), 2,
  'one row per asset of the org');

select tests.authenticate_as('member_b');
select is((select count(*)::int from public.match_stats where org_id = tests.fx('org_a')), 0,
  'another org''s counts are invisible');
select tests.authenticate_as('owner_a');
select throws_ok($$update public.match_stats set narration_count = 99 where media_asset_id = tests.fx('media_a')$$,
  '42501', null, 'even the owner cannot edit a count by hand');
select tests.reset_role();

-- Overview and org stats read the aggregates ----------------------------------------------------
-- Two matches of org A with known creation order (UUIDv7 ids two days and one day ago; the
-- fixture's media_a and media2_a are newer): m_old has 1 segment and 1 narration, m_new 2 and 2.
with m (name, id) as (
  values ('m_old', private.uuid_v7(now() - interval '2 days')), ('m_new', private.uuid_v7(now() - interval '1 day'))
), ins as (
  insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, duration_seconds,
    status, storage_prefix, original_key)
  select m.id, tests.fx('org_a'), m.name, 'm.mp4', 'video/mp4', 10, 4800, 'complete',
         'orgs/' || tests.fx('org_a') || '/media/' || m.id || '/', 'orgs/' || tests.fx('org_a') || '/media/' || m.id || '/original/source.mp4'
    from m
  returning id
)
insert into tests.fx select m.name, ins.id from m join ins using (id);
insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds)
values (tests.fx('org_a'), tests.fx('m_old'), 50, 60),
       (tests.fx('org_a'), tests.fx('m_new'), 100, 110), (tests.fx('org_a'), tests.fx('m_new'), 900, 912);
insert into public.narrations (org_id, media_asset_id, raw_transcript, start_seconds)
values (tests.fx('org_a'), tests.fx('m_old'), 'Only', 55),
       (tests.fx('org_a'), tests.fx('m_new'), 'Early', 30), (tests.fx('org_a'), tests.fx('m_new'), 'Late', 4000);
select tests.authenticate_as('member_a');
select is(private.match_overview(tests.fx('media_a')) -> 'counts',
  '{"segments": 1, "narrations": 1, "tags": 1, "identityTags": 0}'::jsonb, 'overview counts');
select is(private.match_overview(tests.fx('media_a')) -> 'coverage',
  (select to_jsonb(c) from private.match_coverage(tests.fx('media_a')) c),
  'overview coverage agrees with match_coverage');
select is(private.match_overview(tests.fx('m_new')) -> 'coverage',
  (select to_jsonb(c) from private.match_coverage(tests.fx('m_new')) c),
  'and on a match with several narrations');
select is(private.match_overview(tests.fx('m_new')) -> 'trend',
  '{"previousMatches": 1, "avgNarrations": 1.0, "avgSegments": 1.0}'::jsonb,
  'the trend averages the earlier matches of the org only');
select is(private.match_overview(tests.fx('m_old')) -> 'trend' ->> 'previousMatches', '0',
  'the first match has no earlier ones');
select is(private.match_overview(tests.fx('m_new')) -> 'momentum',
  '[{"minute": 0, "narrations": 1}, {"minute": 65, "narrations": 1}]'::jsonb, 'momentum buckets by 5 minutes');
select tests.authenticate_as('member_b');
select throws_ok($$select private.match_overview(tests.fx('media_a'))$$, 'P0002', 'MEDIA_NOT_FOUND',
  'another org''s match is not found');
select tests.authenticate_as('owner_a');
select is(private.org_stats(tests.fx('org_a')) - 'storage' - 'members' - 'openAssignments' - 'failedJobs72h' - 'identityTaggedSegments',
  '{"matches": 4, "matchesLast30Days": 4, "narrations": 4, "segments": 4, "wellCoveredMatches": 0, "avgNarrationsPerMatch": 1.0}'::jsonb,
  'org stats from the aggregates');
select tests.reset_role();

-- Hybrid search with embeddings -----------------------------------------------------------------
-- text_top has the term three times (best full-text rank) but no embedding; both has it twice
-- (second, ahead of the fixture's single mention) and equals the query vector; vec_only never
-- matches the text but is near the query; other_org is identical to the query in org B.
with n (name, org, media, body, v) as (
  values ('n_text_top', 'org_a', 'media_a', 'Lineout, lineout, lineout: maul', null),
         ('n_both', 'org_a', 'media_a', 'Lineout throw was slow, lineout again', tests.basis(2, 1)),
         ('n_vec_only', 'org_a', 'media2_a', 'Scrum penalty under the posts', tests.basis(2, 1, 1, 0.2)),
         ('n_far', 'org_a', 'media2_a', 'Kick chase', tests.basis(1, 1)),
         ('n_other_org', 'org_b', 'media_b', 'Lineout in another club', tests.basis(2, 1))
), ins as (
  insert into public.narrations (org_id, media_asset_id, raw_transcript, start_seconds, embedding)
  select tests.fx(org), tests.fx(media), body, 100, v from n
  returning id, raw_transcript
)
insert into tests.fx select n.name, ins.id from n join ins on ins.raw_transcript = n.body;
select tests.authenticate_as('member_a');
select is((select narration_id from private.search_narrations(tests.fx('org_a'), 'lineout') limit 1),
  tests.fx('n_text_top'), 'text only: the narration repeating the term ranks first');
select is((select narration_id from private.search_narrations(tests.fx('org_a'), 'lineout', tests.basis(2, 1)) limit 1),
  tests.fx('n_both'), 'with the embedding, the text and vector match overtakes it');
select is((select array[text_rank, vector_rank] from private.search_narrations(tests.fx('org_a'), 'lineout', tests.basis(2, 1))
            where narration_id = tests.fx('n_both')), array[2, 1], 'it carries both ranks');
select is((select array[coalesce(text_rank, 0), vector_rank] from private.search_narrations(tests.fx('org_a'), 'lineout', tests.basis(2, 1))
            where narration_id = tests.fx('n_vec_only')), array[0, 2], 'a vector-only neighbour joins with no text rank');
select is((select score from private.search_narrations(tests.fx('org_a'), 'lineout', tests.basis(2, 1))
            where narration_id = tests.fx('n_both')), (1.0 / 62 + 1.0 / 61)::double precision, 'the score is reciprocal rank fusion (k = 60)');
select is((select array_agg(narration_id order by score desc, narration_id) from private.search_narrations(tests.fx('org_a'), null, tests.basis(2, 1))),
  array[tests.fx('n_both'), tests.fx('n_vec_only'), tests.fx('n_far')], 'vector only: exact cosine order within the org');
select ok(not exists (select 1 from private.search_narrations(tests.fx('org_a'), 'lineout', tests.basis(2, 1))
                       where narration_id = tests.fx('n_other_org') or media_asset_id = tests.fx('media_b')),
  'the identical vector in another org never appears');
select is((select array_agg(narration_id order by score desc) from private.search_narrations(tests.fx('org_a'), 'lineout', tests.basis(2, 1), tests.fx('media2_a'))),
  array[tests.fx('n_vec_only'), tests.fx('n_far')], 'per match: only that match''s narrations');

-- Deleting media as its staff takes the stats row with it; the service role cannot edit counts.
select tests.authenticate_as('staff_a');
delete from public.media_assets where id = tests.fx('m_old');
select tests.reset_role();
select is((select count(*)::int from public.match_stats where media_asset_id = tests.fx('m_old')), 0,
  'a deleted asset leaves no stats row');
select tests.authenticate_as_service_role();
select throws_ok($$update public.match_stats set narration_count = 0 where org_id = tests.fx('org_a')$$,
  '42501', null, 'the service role cannot edit counts either');
select tests.reset_role();

select * from finish();
rollback;
