-- Knowledge search (20250101000900_knowledge_search.sql): OR-of-lexemes full text, RRF fusion on
-- a crafted example, the org boundary, snippets, and refused callers.
begin;
select plan(15);
select tests.create_world();

-- Notes by staff A on match A with fixed ids, and the hits of an org-A search in their order.
create function pg_temp.note(p_id text, p_text text, p_embedding extensions.halfvec) returns void
language sql as $$
  insert into public.narrations (id, org_id, media_asset_id, author_id, raw_transcript, embedding)
  values (('00000000-0000-4000-8000-00000000' || p_id)::uuid, tests.fx('org_a'), tests.fx('media_a'),
          tests.fx('user_staff_a'), p_text, p_embedding)
$$;
create function pg_temp.ranked(p_query text, p_embedding extensions.halfvec)
returns table (pos bigint, id uuid, text_rank int, vector_rank int, score double precision, snippet text)
language sql as $$
  select row_number() over (), h.id, h.text_rank, h.vector_rank, h.score, h.snippet
    from private.search_knowledge(tests.fx('org_a'), p_query, p_embedding, null, 10) h
$$;

select is(private.any_lexeme_query('why did we lose our lineout ball')::text,
  $$'ball' | 'lineout' | 'lose'$$, 'the text query ORs the lexemes and drops stop words');
select is(private.any_lexeme_query('the and of'), null, 'stop words alone give no text query');

-- A matches the text only, B is the nearest vector only, C is second in both lists.
select pg_temp.note('aa01', 'Scrum penalty, scrum penalty again: scrum collapsed', tests.basis(3, 1));
select pg_temp.note('aa02', 'Box kick contest on the left', tests.basis(2, 1));
select pg_temp.note('aa03', 'We gave away a penalty', tests.basis(2, 0.8, 3, 0.6));
insert into public.narrations (id, org_id, media_asset_id, author_id, raw_transcript, embedding)
values ('00000000-0000-4000-8000-00000000bb01', tests.fx('org_b'), tests.fx('media_b'),
        tests.fx('user_owner_b'), 'Scrum penalty for Bravo', tests.basis(2, 1));

select tests.authenticate_as('member_a');
create temp table hits on commit drop as select * from pg_temp.ranked('scrum penalty', tests.basis(2, 1));

-- Ranks: A text 1 / vector 3 (distance 1, still a candidate), C 2 / 2, B vector 1 only.
-- RRF (k = 60): A = 1/61 + 1/63 > C = 2/62 > B = 1/61, although B is the nearest vector.
select is((select array_agg(id order by pos) from hits),
  array['00000000-0000-4000-8000-00000000aa01', '00000000-0000-4000-8000-00000000aa03',
        '00000000-0000-4000-8000-00000000aa02']::uuid[],
  'results are ordered by the fused score');
select is((select array_agg((text_rank, vector_rank)::text order by pos) from hits),
  array['(1,3)', '(2,2)', '(,1)'], 'each hit reports its rank in both lists');
select ok((select abs(score - (1.0 / 61 + 1.0 / 63)) < 1e-12 from hits where pos = 1),
  'the first score is the RRF sum 1/(k+1) + 1/(k+3)');
select ok((select abs(score - 2.0 / 62) < 1e-12 from hits where pos = 2)
      and (select abs(score - 1.0 / 61) < 1e-12 from hits where pos = 3),
  'the others are 2/(k+2) and 1/(k+1)');
select is((select (text_rank, vector_rank)::text from hits where id = '00000000-0000-4000-8000-00000000aa02'),
  '(,1)', 'the vector-only hit carries no text rank');
select is((select count(*)::int from hits where id = '00000000-0000-4000-8000-00000000bb01'), 0,
  'another org''s narration never appears');
select matches((select snippet from hits where pos = 1), '<mark>Scrum</mark> <mark>penalty</mark>',
  'snippets highlight the matched words');
select is((select count(*)::int from private.search_knowledge(tests.fx('org_a'), 'lineout', null, tests.fx('media2_a'), 10)), 0,
  'a per-match search stays inside that match');

-- Ties (private.rrf_fuse's tie-aware ranks): D and E say the same words, so the text list cannot
-- order them; E is the nearer vector. Tied notes share text rank 1 and the vector list decides,
-- whatever their ids (row_number() would have given D text rank 1 and E rank 2, a dead heat
-- settled by D's id).
select tests.reset_role();
select pg_temp.note('aa04', 'Lineout throw not straight', tests.basis(6, 0.6, 5, 0.8));
select pg_temp.note('aa05', 'Lineout throw not straight', tests.basis(6, 1));
select tests.authenticate_as('member_a');
create temp table tied on commit drop as select * from pg_temp.ranked('lineout throw', tests.basis(6, 1));
select is((select array_agg(id order by pos) from tied where pos <= 2),
  array['00000000-0000-4000-8000-00000000aa05', '00000000-0000-4000-8000-00000000aa04']::uuid[],
  'between notes the text ties on, the nearer vector comes first');
select is((select array_agg((text_rank, vector_rank)::text order by pos) from tied where pos <= 2),
  array['(1,1)', '(1,2)'], 'tied notes share their text rank');
select is((select count(*)::int from tied where vector_rank = 3 and text_rank is null), 3,
  'notes at the same vector distance share their vector rank too');

select tests.authenticate_as('member_b');
select throws_ok($$select * from private.search_knowledge(tests.fx('org_a'), 'scrum')$$, '42501', 'FORBIDDEN',
  'a member of another org is refused');
select tests.authenticate_as('member_a');
select throws_ok($$select * from private.search_knowledge(tests.fx('org_a'), 'the of')$$, '22023', 'QUERY_REQUIRED',
  'a query of stop words without an embedding is refused');
select tests.reset_role();

select * from finish();
rollback;
