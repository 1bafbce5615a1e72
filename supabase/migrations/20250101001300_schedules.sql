-- Schedules in the database (PROD-2): every periodic job of the platform in one list, registered
-- with pg_cron (Supabase Cron) where it exists and run by the local platform's cron where it does
-- not (PGlite has neither pg_cron nor pg_net; local/src/cron.ts reads this same table).
--
-- SQL jobs run as the job's owner (postgres). HTTP jobs call an edge function through pg_net with
-- the project URL and secret key read from Supabase Vault when they run, as Supabase documents for
-- scheduling edge functions; `deploy/supabase/deploy.sh schedules` stores both. No secret is in
-- this file or in any registered command.

do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron') then
    create extension if not exists pg_cron;
  end if;
  if exists (select 1 from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;

-- Why a table: one definition of what runs when, read by both runners, so a job cannot exist in
-- production only (or locally only). Five-field cron expressions of numbers, `*`, steps, ranges and
-- lists: the forms both pg_cron and the local parser (cron-parser) read the same way, in UTC.
create table private.schedules (
  name text primary key
    constraint schedules_name_format check (name ~ '^rugbycodex-[a-z0-9]+(-[a-z0-9]+)*$'),
  cron text not null
    constraint schedules_cron_five_fields check (cron ~ '^[0-9*/,-]+( [0-9*/,-]+){4}$'),
  kind text not null constraint schedules_kind check (kind in ('sql', 'http')),
  -- sql jobs: the statement pg_cron runs.
  command text,
  -- http jobs: the path under /functions/v1/, and the JSON body of the POST.
  function_path text
    constraint schedules_function_path_format check (function_path ~ '^[a-z0-9-]+(/[a-z0-9-]+)*$'),
  body jsonb not null default '{}'::jsonb,
  -- pg_net's request timeout (its default is 5 s; a sweep that transcribes takes longer).
  timeout_seconds int not null default 60
    constraint schedules_timeout_range check (timeout_seconds between 1 and 300),
  description text not null,
  constraint schedules_kind_target check (
    (kind = 'sql' and command is not null and function_path is null)
    or (kind = 'http' and function_path is not null and command is null)
  )
);
comment on table private.schedules is
  'Every periodic job: registered with pg_cron in production, run by the local cron locally.';
alter table private.schedules enable row level security;
-- Only the owner (postgres, which runs the migrations, pg_cron's jobs and the local cron) reads it.
revoke all on table private.schedules from public, anon, authenticated, service_role;

insert into private.schedules (name, cron, kind, command, function_path, body, description) values
  ('rugbycodex-narration-jobs-sweep', '* * * * *', 'http', null, 'narrations/jobs/sweep',
   '{"limit": 20}',
   'NARR-2: queued, backed-off or orphaned transcription jobs run even when the request that started them died.'),
  ('rugbycodex-storage-cleanup', '15 * * * *', 'http', null, 'admin/storage-cleanup', '{}',
   'MEDIA-3: retries the deletion of stored objects whose asset was deleted (50 prefixes a run).'),
  ('rugbycodex-media-partitions', '0 3 1 * *', 'sql', 'select private.ensure_media_partitions(3)',
   null, '{}', 'SCALE-5: media_assets partitions exist three months ahead.'),
  ('rugbycodex-finished-jobs-cleanup', '30 3 * * *', 'sql', 'select private.delete_finished_jobs()',
   null, '{}', 'SCALE-5: finished jobs older than 30 days are deleted.'),
  ('rugbycodex-exhausted-jobs', '*/5 * * * *', 'sql', 'select private.fail_exhausted_jobs()',
   null, '{}',
   'TX-1: a job whose worker died on its last attempt fails (and fails its asset) even when no worker claims again: its SQS message went to the DLQ.');

-- Registers every row with pg_cron and unschedules our jobs that left the list; returns how many
-- are registered (0 without pg_cron). cron.schedule with a known name updates that job in place,
-- so calling this again changes nothing. Jobs are per user in pg_cron: only the caller's
-- rugbycodex-* jobs are touched, and the migration runs as the owner that runs them.
create function private.register_schedules()
returns int
language plpgsql
set search_path = ''
as $$
declare
  v_schedule private.schedules;
  v_stale text;
  v_count int := 0;
begin
  if to_regprocedure('cron.schedule(text,text,text)') is null then
    return 0;
  end if;
  if exists (select 1 from private.schedules where kind = 'http')
     and to_regprocedure('net.http_post(text,jsonb,jsonb,jsonb,integer)') is null then
    raise exception 'PG_NET_UNAVAILABLE' using errcode = '55000',
      detail = 'pg_cron is installed but pg_net is not: enable pg_net so http schedules can call functions.';
  end if;
  for v_stale in
    execute 'select jobname::text from cron.job where jobname like ''rugbycodex-%'' and username = current_user
              and jobname not in (select name from private.schedules)'
  loop
    perform cron.unschedule(v_stale);
  end loop;
  for v_schedule in select * from private.schedules order by name loop
    perform cron.schedule(
      v_schedule.name,
      v_schedule.cron,
      case v_schedule.kind
        when 'sql' then v_schedule.command
        else format('select private.run_http_schedule(%L)', v_schedule.name)
      end
    );
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;

-- One run of an http job (pg_cron calls this): POST to the project's function with the secret key
-- from Vault, through pg_net (asynchronous: the request is sent after the transaction commits).
create function private.run_http_schedule(p_name text)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_schedule private.schedules;
  v_url text;
  v_key text;
  v_request bigint;
begin
  select * into v_schedule from private.schedules where name = p_name and kind = 'http';
  if not found then
    raise exception 'SCHEDULE_NOT_FOUND' using errcode = 'P0002', detail = p_name;
  end if;
  if to_regprocedure('net.http_post(text,jsonb,jsonb,jsonb,integer)') is null then
    raise exception 'PG_NET_UNAVAILABLE' using errcode = '55000',
      detail = 'http schedules need pg_net; locally the platform''s cron runs them.';
  end if;
  if to_regclass('vault.decrypted_secrets') is not null then
    execute 'select max(decrypted_secret) filter (where name = ''rugbycodex_project_url''),
                    max(decrypted_secret) filter (where name = ''rugbycodex_secret_key'')
               from vault.decrypted_secrets
              where name in (''rugbycodex_project_url'', ''rugbycodex_secret_key'')'
      into v_url, v_key;
  end if;
  if v_url is null or v_key is null then
    raise exception 'SCHEDULE_SECRETS_MISSING' using errcode = '55000',
      detail = 'Vault needs rugbycodex_project_url and rugbycodex_secret_key: run deploy/supabase/deploy.sh schedules.';
  end if;
  execute 'select net.http_post(url := $1, body := $2, params := ''{}''::jsonb, headers := $3,
                                timeout_milliseconds := $4)'
    into v_request
    using v_url || '/functions/v1/' || v_schedule.function_path,
          v_schedule.body,
          jsonb_build_object('Content-Type', 'application/json',
                             'Authorization', 'Bearer ' || v_key, 'apikey', v_key),
          v_schedule.timeout_seconds * 1000;
  return v_request;
end
$$;

-- Stores (or replaces) the two Vault secrets http jobs read. Called by deploy.sh, never by a
-- migration, so the values stay out of the repository.
create function private.set_schedule_secrets(p_project_url text, p_secret_key text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_url text := rtrim(coalesce(p_project_url, ''), '/');
  v_name text;
  v_value text;
  v_id uuid;
begin
  if v_url !~ '^https://[A-Za-z0-9.-]+(:[0-9]+)?$' then
    raise exception 'INVALID_PROJECT_URL' using errcode = '22023',
      detail = 'the project URL is https://<ref>.supabase.co (or your custom domain)';
  end if;
  if coalesce(btrim(p_secret_key), '') = '' then
    raise exception 'INVALID_SECRET_KEY' using errcode = '22023', detail = 'the secret key is required';
  end if;
  if to_regclass('vault.secrets') is null then
    raise exception 'VAULT_UNAVAILABLE' using errcode = '55000';
  end if;
  for v_name, v_value in
    select * from (values ('rugbycodex_project_url', v_url), ('rugbycodex_secret_key', p_secret_key)) s
  loop
    execute 'select id from vault.secrets where name = $1' into v_id using v_name;
    if v_id is null then
      execute 'select vault.create_secret($1, $2)' using v_value, v_name;
    else
      execute 'select vault.update_secret($1, $2)' using v_id, v_value;
    end if;
  end loop;
end
$$;

revoke all on function private.register_schedules(), private.run_http_schedule(text),
  private.set_schedule_secrets(text, text)
  from public, anon, authenticated, service_role;

select private.register_schedules();
