-- AI-1 / AI-2 (20250101001200): derived insights that may quote a narration are dropped when the
-- narration is deleted or its words, clip or match change; other edits and additions keep them.
begin;
select plan(8);
select tests.create_world();

create function tests.derived(p_suffix text) returns text language sql as $$
  select (select count(*) from public.segment_insights where segment_id = tests.fx('seg_' || p_suffix))
         || '/' ||
         (select count(*) from public.match_intelligence where media_asset_id = tests.fx('media_' || p_suffix))
$$;

select is(tests.derived('a'), '1/1', 'the world starts with an insight and a match summary');

select tests.authenticate_as('staff_a');
update public.narrations set embedding = null, embedding_model = 'x' where id = tests.fx('narration_a');
select tests.reset_role();
select is(tests.derived('a'), '1/1', 'an edit that leaves the words alone (an embedding refresh) keeps both');

select tests.authenticate_as('staff_a');
insert into public.narrations (org_id, media_asset_id, segment_id, author_id, raw_transcript)
values (tests.fx('org_a'), tests.fx('media_a'), tests.fx('seg_a'), tests.fx('user_staff_a'), 'Second note');
select tests.reset_role();
select is(tests.derived('a'), '1/1', 'a new narration leaves them to the growth rules');

select tests.authenticate_as('staff_a');
update public.narrations set raw_transcript = 'Lineout drive, corrected' where id = tests.fx('narration_a');
select tests.reset_role();
select is(tests.derived('a'), '0/0', 'changing a narration''s words drops the insight and the summary that may quote it');

-- Put them back, then delete the narration as its author (staff cannot write derived rows).
insert into public.segment_insights (segment_id, org_id, headline, summary, coach_script, narration_count, model)
values (tests.fx('seg_a'), tests.fx('org_a'), 'h', 's', 'c', 2, 'offline');
insert into public.match_intelligence (media_asset_id, org_id, level, narration_count, model)
values (tests.fx('media_a'), tests.fx('org_a'), 'light', 2, 'offline');
select tests.authenticate_as('staff_a');
delete from public.narrations where id = tests.fx('narration_a');
select tests.reset_role();
select is(tests.derived('a'), '0/0', 'deleting a narration drops them too');
select is(tests.derived('b'), '1/1', 'another org''s insight and summary are untouched');

select is((select count(*)::int from public.segment_insights), 1,
  'nothing else is dropped');
select throws_ok($$select private.forget_narration_insights()$$, '0A000', null,
  'the trigger function cannot be called directly');

select * from finish();
rollback;
