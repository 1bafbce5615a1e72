-- Tenant isolation beyond the matrix: no row moves to another org (update, insert, upsert,
-- composite keys), and every public table keeps RLS on (including media partitions).
-- The triggers and keys are tested behind a grant that allows everything (the real grants refuse
-- most of these statements earlier: 05-privileges, 06-protected-columns).
begin;
select plan(15);
select tests.create_world();
select tests.grant_every_table_privilege();

-- RLS everywhere: a future table or partition without it fails here.
select is(
  (select array_agg(c.relname::text) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity),
  null, 'every table in public has row level security enabled');
select ok(
  (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relispartition and c.relname like 'media_assets_y%') >= 12,
  'media_assets has monthly partitions');
select is(
  (select array_agg(c.relname::text) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relispartition
      and (has_table_privilege('authenticated', c.oid, 'select') or has_table_privilege('anon', c.oid, 'select'))),
  null, 'partitions cannot be read directly, only through the parent''s policies');

select tests.authenticate_as('staff_a');
select throws_ok(
  $$update public.segments set org_id = tests.fx('org_b') where id = tests.fx('seg_a')$$,
  '42501', 'TENANT_IMMUTABLE', 'staff cannot move a segment to another org');
select throws_ok(
  $$update public.media_assets set org_id = tests.fx('org_b') where id = tests.fx('media_a')$$,
  '42501', 'TENANT_IMMUTABLE', 'staff cannot move a media asset to another org');
select throws_ok(
  $$insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds) values (tests.fx('org_b'), tests.fx('media_b'), 0, 10)$$,
  '42501', null, 'staff cannot insert into another org');
select throws_ok(
  $$insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds) values (tests.fx('org_a'), tests.fx('media_b'), 0, 10)$$,
  '23503', null, 'a segment cannot point at another org''s media (composite key)');
select throws_ok(
  $$insert into public.segments (id, org_id, media_asset_id, start_seconds, end_seconds)
    values (tests.fx('seg_b'), tests.fx('org_a'), tests.fx('media_a'), 0, 10)
    on conflict (id) do update set title = 'hijacked'$$,
  '42501', null, 'upsert cannot take over another org''s row');
select throws_ok(
  $$insert into public.narrations (id, org_id, media_asset_id, author_id, raw_transcript)
    values (tests.fx('narration_b'), tests.fx('org_a'), tests.fx('media_a'), auth.uid(), 'x')
    on conflict (id) do update set org_id = excluded.org_id$$,
  '42501', null, 'upsert cannot move another org''s narration');
select throws_ok(
  $$insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, tagged_user_id)
    values (tests.fx('org_a'), tests.fx('seg_a'), 'identity', 'player', tests.fx('user_member_b'))$$,
  '23503', null, 'an identity tag cannot name someone outside the org');
select throws_ok(
  $$with i as (select private.uuid_v7() as id) insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, storage_prefix, original_key)
    select i.id, tests.fx('org_a'), 'x', 'x.mp4', 'video/mp4', 1, 'orgs/' || tests.fx('org_b') || '/media/' || i.id, 'orgs/' || tests.fx('org_b') || '/media/' || i.id || '/original/x.mp4' from i$$,
  '23514', null, 'a media asset cannot point at another org''s storage keys');

select tests.authenticate_as('member_a');
select lives_ok(
  $$insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, tagged_user_id, created_by, source)
    values (tests.fx('org_a'), tests.fx('seg_a'), 'identity', 'player', auth.uid(), auth.uid(), 'self')$$,
  'a member can tag themselves');
select throws_ok(
  $$insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, tagged_user_id, created_by, source)
    values (tests.fx('org_a'), tests.fx('seg_a'), 'identity', 'player', tests.fx('user_staff_a'), auth.uid(), 'self')$$,
  '42501', null, 'a member cannot tag someone else');
select throws_ok(
  $$update public.profiles set platform_role = 'admin' where id = auth.uid()$$,
  '42501', 'FORBIDDEN', 'nobody promotes themselves to platform admin');
select tests.reset_role();
select tests.authenticate_as('member_a');
insert into public.narrations (org_id, media_asset_id, author_id, raw_transcript, source_type)
values (tests.fx('org_a'), tests.fx('media_a'), auth.uid(), 'I should have passed earlier', 'owner');
select is(
  (select source_type::text from public.narrations where raw_transcript = 'I should have passed earlier'),
  'member', 'the narration source is the author''s role, not what the client sent');

select * from finish();
rollback;
