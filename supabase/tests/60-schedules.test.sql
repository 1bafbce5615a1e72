-- Schedules in the database (20250101001300_schedules.sql, PROD-2): the one list of periodic jobs,
-- who may see it, and its registration with pg_cron + pg_net. PGlite has neither extension, so the
-- second half installs stand-ins that keep their documented contracts (pg_cron: a job name is
-- unique per user and scheduling it again updates it in place; unscheduling an unknown name
-- raises; pg_net: net.http_post(url, body, params, headers, timeout_milliseconds) returns a request
-- id; Vault: vault.create_secret / vault.update_secret / vault.decrypted_secrets). All of it is
-- rolled back with the file's transaction.
begin;
select plan(29);

-- The list ------------------------------------------------------------------------------------
select has_table('private', 'schedules', 'the schedule list lives in the private schema');
select results_eq(
  $$select name, cron, kind from private.schedules order by name$$,
  $$values ('rugbycodex-exhausted-jobs', '*/5 * * * *', 'sql'),
           ('rugbycodex-finished-jobs-cleanup', '30 3 * * *', 'sql'),
           ('rugbycodex-media-partitions', '0 3 1 * *', 'sql'),
           ('rugbycodex-narration-jobs-sweep', '* * * * *', 'http'),
           ('rugbycodex-storage-cleanup', '15 * * * *', 'http')$$,
  'every periodic job is listed once: sweep, partitions ahead, job cleanup, storage cleanup, exhausted jobs'
);
select is(
  (select (function_path, body) from private.schedules where name = 'rugbycodex-narration-jobs-sweep'),
  ('narrations/jobs/sweep'::text, '{"limit": 20}'::jsonb),
  'the transcription sweep calls the narrations function with the local cron''s body'
);
select is(
  (select function_path from private.schedules where name = 'rugbycodex-storage-cleanup'),
  'admin/storage-cleanup', 'storage cleanup calls the admin function''s cleanup route'
);
select lives_ok((select command from private.schedules where name = 'rugbycodex-media-partitions'),
  'the partitions job runs as the owner');
select lives_ok((select command from private.schedules where name = 'rugbycodex-finished-jobs-cleanup'),
  'the finished-jobs cleanup runs as the owner');
select lives_ok((select command from private.schedules where name = 'rugbycodex-exhausted-jobs'),
  'the exhausted-jobs job runs as the owner');
select throws_ok(
  $$insert into private.schedules (name, cron, kind, command, description)
    values ('rugbycodex-every-second', '* * * * * *', 'sql', 'select 1', 'x')$$,
  '23514', null, 'a six-field (seconds) expression is refused: both runners take five fields');
select throws_ok(
  $$insert into private.schedules (name, cron, kind, function_path, command, description)
    values ('rugbycodex-both', '* * * * *', 'http', 'health', 'select 1', 'x')$$,
  '23514', null, 'an http job names a function path and no SQL');

-- Nobody but the owner ------------------------------------------------------------------------
select ok((select relrowsecurity from pg_class where oid = 'private.schedules'::regclass),
  'RLS is enabled on the schedule list');
select ok(
  not exists (
    select 1 from unnest(array['public', 'anon', 'authenticated', 'service_role']) r,
                  unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) p
     where has_table_privilege(r, 'private.schedules', p)),
  'no API role (nor PUBLIC) holds any privilege on the list');
select tests.authenticate_as_service_role();
select throws_ok($$select count(*) from private.schedules$$, '42501', null,
  'service_role cannot read the list');
select tests.clear_authentication();
select throws_ok($$select count(*) from private.schedules$$, '42501', null, 'anon cannot read the list');
select tests.reset_role();
select ok(
  not exists (
    select 1 from unnest(array['anon', 'authenticated', 'service_role']) r,
                  unnest(array['private.register_schedules()', 'private.run_http_schedule(text)',
                               'private.set_schedule_secrets(text, text)']) f
     where has_function_privilege(r, f, 'execute')),
  'no API role may register, run or configure schedules');

-- Without pg_cron (PGlite, a plain Postgres) nothing is registered -------------------------------
select is(private.register_schedules(), 0, 'without pg_cron nothing is registered');
select throws_ok($$select private.run_http_schedule('rugbycodex-narration-jobs-sweep')$$,
  '55000', 'PG_NET_UNAVAILABLE', 'an http job says plainly when pg_net is missing');

-- With pg_cron and pg_net (Supabase) ---------------------------------------------------------------
create schema cron;
create table cron.job (
  jobid bigint generated always as identity primary key,
  schedule text not null,
  command text not null,
  username text not null default current_user,
  active boolean not null default true,
  jobname text,
  unique (jobname, username)
);
create function cron.schedule(job_name text, schedule text, command text)
returns bigint language plpgsql as $$
declare v_id bigint;
begin
  insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
  on conflict (jobname, username) do update set schedule = excluded.schedule, command = excluded.command
  returning jobid into v_id;
  return v_id;
end $$;
create function cron.unschedule(job_name text)
returns boolean language plpgsql as $$
begin
  delete from cron.job where jobname = job_name and username = current_user;
  if not found then
    raise exception 'could not find valid entry for job ''%''', job_name;
  end if;
  return true;
end $$;
create schema net;
create table net.requests (id bigint generated always as identity, url text, body jsonb, headers jsonb, timeout_milliseconds int);
create function net.http_post(url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds int default 5000)
returns bigint language sql as $$
  insert into net.requests (url, body, headers, timeout_milliseconds)
  values (url, body, headers, timeout_milliseconds) returning id
$$;
-- Jobs of someone else (another app's, or a hand-made one) are never touched.
select cron.schedule('vacuum-nightly', '0 4 * * *', 'vacuum');
select cron.schedule('rugbycodex-retired-job', '0 0 * * *', 'select 1');

select is(private.register_schedules(), 5, 'with pg_cron every listed job is registered');
select results_eq(
  $$select jobname, schedule from cron.job where jobname like 'rugbycodex-%' order by jobname$$,
  $$select name, cron from private.schedules order by name$$,
  'cron.job holds exactly the list, with its expressions (a retired rugbycodex job is unscheduled)');
select is((select count(*)::int from cron.job where jobname = 'vacuum-nightly'), 1,
  'a job that is not ours is kept');
create temp table first_ids as select jobname, jobid from cron.job;
select is(private.register_schedules(), 5, 'registering again succeeds');
select results_eq($$select jobname, jobid from cron.job order by jobname$$,
  $$select jobname, jobid from first_ids order by jobname$$,
  'registering is idempotent: the same jobs, updated in place, none added');
select is((select command from cron.job where jobname = 'rugbycodex-narration-jobs-sweep'),
  $$select private.run_http_schedule('rugbycodex-narration-jobs-sweep')$$,
  'an http job''s command names the schedule; the URL and key are read when it runs');
select ok(not exists (select 1 from cron.job where command ~* '(bearer|sb_secret|eyJ)'),
  'no registered command carries a credential');
update private.schedules set cron = '*/2 * * * *' where name = 'rugbycodex-narration-jobs-sweep';
select private.register_schedules();
select is((select schedule from cron.job where jobname = 'rugbycodex-narration-jobs-sweep'), '*/2 * * * *',
  'a changed expression reaches pg_cron on the next registration');

-- Vault: the project URL and the secret key, never in a migration --------------------------------
select throws_ok($$select private.run_http_schedule('rugbycodex-narration-jobs-sweep')$$,
  '55000', 'SCHEDULE_SECRETS_MISSING', 'without the Vault secrets an http job fails loudly');
create schema vault;
create table vault.secrets (id uuid primary key default gen_random_uuid(), name text unique, secret text not null);
create view vault.decrypted_secrets as select id, name, secret as decrypted_secret from vault.secrets;
create function vault.create_secret(new_secret text, new_name text default null,
  new_description text default '', new_key_id uuid default null)
returns uuid language sql as $$ insert into vault.secrets (name, secret) values (new_name, new_secret) returning id $$;
create function vault.update_secret(secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null, new_key_id uuid default null)
returns void language sql as $$
  update vault.secrets set secret = coalesce(new_secret, secret), name = coalesce(new_name, name) where id = secret_id
$$;
select private.set_schedule_secrets('https://old-ref.supabase.co', 'sb_secret_old');
select private.set_schedule_secrets('https://abcdefghijklmnopqrst.supabase.co/', 'sb_secret_test');
select results_eq($$select name, decrypted_secret from vault.decrypted_secrets order by name$$,
  $$values ('rugbycodex_project_url', 'https://abcdefghijklmnopqrst.supabase.co'),
           ('rugbycodex_secret_key', 'sb_secret_test')$$,
  'setting the secrets twice updates them in place (trailing slash dropped)');
select ok(private.run_http_schedule('rugbycodex-storage-cleanup') > 0, 'an http job enqueues a request');
select results_eq(
  $$select url, body, headers, timeout_milliseconds from net.requests order by id desc limit 1$$,
  $$values ('https://abcdefghijklmnopqrst.supabase.co/functions/v1/admin/storage-cleanup', '{}'::jsonb,
            '{"Content-Type": "application/json", "Authorization": "Bearer sb_secret_test", "apikey": "sb_secret_test"}'::jsonb,
            60000)$$,
  'the request goes to the project''s function with the secret key, the stored body and the timeout');
select throws_ok($$select private.set_schedule_secrets('http://insecure.example', 'k')$$,
  '22023', 'INVALID_PROJECT_URL', 'the project URL must be https');

select * from finish();
rollback;
