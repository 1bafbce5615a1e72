-- The atomic SQL functions: org requests, join codes, rank rules, quota, the job lease, stats,
-- coverage and hybrid search — including who must be refused.
begin;
select plan(49);
select tests.create_world();

-- Security definer functions refused where they must be ---------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$select * from private.claim_next_job('w', 60)$$, '42501', null, 'users cannot claim jobs');
select throws_ok($$select private.complete_job(tests.fx('job_a'), 'w', '{}')$$, '42501', null, 'users cannot complete jobs');
select throws_ok($$select private.reserve_storage(tests.fx('org_a'), 1)$$, '42501', null, 'users cannot reserve quota directly');
select throws_ok($$select private.ensure_media_partitions(1)$$, '42501', null, 'users cannot create partitions');
select throws_ok($$select private.approve_org_request(tests.fx('request_a'))$$, '42501', 'FORBIDDEN', 'an org owner is not a platform admin');
select throws_ok($$select private.create_organization('Mine', 'team', tests.fx('user_member_a'))$$, '42501', 'FORBIDDEN', 'users cannot create orgs owned by others');
select tests.clear_authentication();
select throws_ok($$select private.join_org_by_code('ABCDEFGH')$$, '42501', null, 'anon cannot call private functions');

-- Org requests ---------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((private.approve_org_request(tests.fx('request_a'))).slug, 'charlie-academy', 'approval creates the org with a slug');
select is(
  (select role::text from public.org_members m join public.org_requests r on r.org_id = m.org_id
    where r.id = tests.fx('request_a') and m.user_id = tests.fx('user_member_a')),
  'owner', 'the requester owns the approved org');
select throws_ok($$select private.approve_org_request(tests.fx('request_a'))$$, '55000', 'REQUEST_ALREADY_DECIDED', 'a decided request cannot be approved again');
select throws_ok($$select private.reject_org_request(tests.fx('request_a'), 'no')$$, '55000', 'REQUEST_ALREADY_DECIDED', 'a decided request cannot be rejected');
select throws_ok($$select private.reject_org_request(gen_random_uuid(), 'no')$$, 'P0002', 'REQUEST_NOT_FOUND', 'unknown request is not found');
select is((private.create_organization('Charlie Academy', 'academy', tests.fx('user_loner'))).slug, 'charlie-academy-2', 'slugs stay unique');

-- Join codes -----------------------------------------------------------------------------------
select tests.authenticate_as('member_a');
select throws_ok($$select private.refresh_join_code(tests.fx('org_a'))$$, '42501', 'FORBIDDEN', 'members cannot refresh the join code');
select tests.authenticate_as('staff_a');
select ok((select join_code ~ '^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$' from private.refresh_join_code(tests.fx('org_a'))), 'staff refresh an 8-char unambiguous join code');
select tests.authenticate_as('owner_a');
select throws_ok($$update public.organizations set join_code = 'AAAAAAAA' where id = tests.fx('org_a')$$, '42501', null, 'even an owner changes the join code only through refresh (no column grant)');
select tests.reset_role();
select throws_ok($$update public.organizations set join_code = 'AAAAAAAA' where id = tests.fx('org_a')$$, '42501', 'FORBIDDEN', 'and the guard trigger refuses it to the owner role too');
select tests.authenticate_as('loner');
select throws_ok($$select private.join_org_by_code('  ')$$, '22023', 'JOIN_CODE_REQUIRED', 'an empty code is required');
select throws_ok($$select private.join_org_by_code('ZZZZZZZZ')$$, 'P0002', 'JOIN_CODE_INVALID', 'an unknown code is invalid');
select tests.reset_role();
update public.organizations set join_code_set_at = now() - interval '25 hours' where id = tests.fx('org_b');
create temp table code_b as select join_code from public.organizations where id = tests.fx('org_b');
grant select on code_b to authenticated;
select tests.authenticate_as('loner');
select throws_ok($$select private.join_org_by_code((select join_code from code_b))$$,
  '22023', 'JOIN_CODE_EXPIRED', 'a code older than 24 h is expired');
select tests.reset_role();
select tests.authenticate_as('loner');
select tests.reset_role();
create temp table code_a as select join_code from public.organizations where id = tests.fx('org_a');
grant select on code_a to authenticated;
select tests.authenticate_as('loner');
select is((private.join_org_by_code(lower((select join_code from code_a)))).role::text, 'member', 'a valid code (any case) joins as member');
select is((private.join_org_by_code((select join_code from code_a))).role::text, 'member', 'joining twice is idempotent');

-- Rank rules -----------------------------------------------------------------------------------
select tests.authenticate_as('manager_a');
select throws_ok($$select private.change_member_role(tests.fx('org_a'), tests.fx('user_manager_a'), 'staff')$$, '42501', 'CANNOT_ACT_ON_SELF', 'nobody changes their own role');
select throws_ok($$select private.change_member_role(tests.fx('org_a'), tests.fx('user_member_a'), 'manager')$$, '42501', 'ROLE_TOO_HIGH', 'a manager cannot promote to manager');
select throws_ok($$select private.change_member_role(tests.fx('org_a'), tests.fx('user_owner_a'), 'manager')$$, '42501', 'TARGET_RANK_TOO_HIGH', 'a manager cannot demote the owner');
select is((private.change_member_role(tests.fx('org_a'), tests.fx('user_member_a'), 'staff')).role::text, 'staff', 'a manager promotes a member one step');
select tests.authenticate_as('owner_a');
select throws_ok($$select private.change_member_role(tests.fx('org_a'), tests.fx('user_member_a'), 'owner')$$, '42501', 'ROLE_TOO_HIGH', 'nobody promotes up to their own rank');
select is((private.change_member_role(tests.fx('org_a'), tests.fx('user_staff_a'), 'manager')).role::text, 'manager', 'an owner promotes staff to manager');
select tests.authenticate_as('staff_a');
select throws_ok($$select private.remove_member(tests.fx('org_a'), tests.fx('user_manager_a'))$$, '42501', 'TARGET_RANK_TOO_HIGH', 'staff cannot remove a manager');
select lives_ok($$select private.remove_member(tests.fx('org_a'), tests.fx('user_loner'))$$, 'staff remove a lower-ranked member');
select tests.authenticate_as('owner_a');
select throws_ok($$select private.leave_org(tests.fx('org_a'))$$, '55000', 'OWNER_CANNOT_LEAVE', 'owners cannot leave');
select tests.authenticate_as('admin');
select throws_ok($$select private.remove_member(tests.fx('org_a'), tests.fx('user_owner_a'))$$, '55000', 'LAST_OWNER', 'the last owner cannot be removed, not even by a platform admin');

-- Quota (ORG-5) ---------------------------------------------------------------------------------
select tests.reset_role();
update public.organizations set storage_limit_bytes = 5000 where id = tests.fx('org_b');
select tests.authenticate_as('owner_b');
create temp table new_ids as select private.uuid_v7() as id1, private.uuid_v7() as id2;
grant select on new_ids to authenticated;
select lives_ok($$insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, storage_prefix, original_key)
  select id1, tests.fx('org_b'), 'Big', 'b.mp4', 'video/mp4', 2500, 'orgs/' || tests.fx('org_b') || '/media/' || id1 || '/', 'orgs/' || tests.fx('org_b') || '/media/' || id1 || '/original/source.mp4' from new_ids$$,
  'an upload within quota reserves its size');
select throws_ok($$insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, storage_prefix, original_key)
  select id2, tests.fx('org_b'), 'Too big', 'b.mp4', 'video/mp4', 1000, 'orgs/' || tests.fx('org_b') || '/media/' || id2 || '/', 'orgs/' || tests.fx('org_b') || '/media/' || id2 || '/original/source.mp4' from new_ids$$,
  '54000', 'QUOTA_EXCEEDED', 'an upload over quota is refused with a quota error');
select is((select reserved_bytes from public.org_storage_usage where org_id = tests.fx('org_b')), 2500::bigint, 'the reservation is counted');
select count(*) from private.complete_upload((select id1 from new_ids));
select is((select array[reserved_bytes, originals_bytes] from public.org_storage_usage where org_id = tests.fx('org_b')), array[0, 4500]::bigint[], 'completing the upload turns the reservation into stored bytes');
delete from public.media_assets where id = (select id1 from new_ids);
select is((select originals_bytes from public.org_storage_usage where org_id = tests.fx('org_b')), 2000::bigint, 'deleting media releases its bytes');
select tests.reset_role();
select ok(exists (select 1 from public.storage_cleanup_queue where media_asset_id = (select id1 from new_ids)), 'deleting media queues its stored objects for cleanup');

-- Jobs (TX-1): the worker's connection is postgres (the owner), not an API role ---------------------
select tests.reset_role();
select is((select id from private.claim_next_job('w1', 60)), (select id from public.jobs order by run_after, created_at limit 1), 'the oldest queued job is claimed');
select is((select count(*)::int from private.claim_job((select id from public.jobs where lease_owner = 'w1'), 'w2', 60)), 0, 'a live lease cannot be claimed by another worker');
select ok(private.heartbeat_job((select id from public.jobs where lease_owner = 'w1'), 'w1', 60, 0.5), 'the owner extends the lease');
select ok(not private.heartbeat_job((select id from public.jobs where lease_owner = 'w1'), 'w2', 60), 'a stranger''s heartbeat reports a lost lease');
select is(private.fail_job((select id from public.jobs where lease_owner = 'w1'), 'w1', 'FFMPEG_CRASH', 'boom', true), 'queued'::public.job_state, 'a retryable failure with attempts left re-queues with backoff');
update public.jobs set run_after = now(), attempt = 2 where error_code = 'FFMPEG_CRASH';
select is((select attempt from private.claim_job((select id from public.jobs where error_code = 'FFMPEG_CRASH'), 'w1', 60)), 3, 'the retry counts an attempt');
select is(private.fail_job((select id from public.jobs where lease_owner = 'w1' and state = 'running'), 'w1', 'FFMPEG_CRASH', 'boom again', true), 'failed'::public.job_state, 'after the last attempt the job fails');
select is((select a.status::text || ':' || a.error_code from public.media_assets a join public.jobs j on j.media_asset_id = a.id where j.error_message = 'boom again'), 'failed:FFMPEG_CRASH', 'and the asset fails with the same code');

-- Coverage, stats and search --------------------------------------------------------------------
select tests.authenticate_as('member_a');
select is((select array[narration_count::numeric, largest_gap_minutes] from private.match_coverage(tests.fx('media_a'))), array[1, 79.0]::numeric[], 'coverage counts narrations and the largest gap (62 s to the end at 80 min)');
select throws_ok($$select private.org_stats(tests.fx('org_a'))$$, '42501', 'FORBIDDEN', 'members cannot read org stats');
select is((select narration_id from private.search_narrations(tests.fx('org_a'), 'lineout')), tests.fx('narration_a'), 'full-text search finds the narration');

select * from finish();
rollback;
