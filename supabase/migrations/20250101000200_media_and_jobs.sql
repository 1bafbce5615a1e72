-- Media assets (monthly partitions), storage quota accounting and the job queue
-- (MEDIA-1..3, ORG-5, TX-1, TX-5, SCALE-5).

-- Storage usage ----------------------------------------------------------------------------------
-- Why a counter row per org: quota checks must be one atomic conditional update (ORG-5), not a
-- sum over media_assets that two concurrent uploads could both pass.
create table public.org_storage_usage (
  org_id uuid primary key references public.organizations (id) on delete cascade,
  originals_bytes bigint not null default 0 constraint org_storage_usage_originals_nonneg check (originals_bytes >= 0),
  renditions_bytes bigint not null default 0 constraint org_storage_usage_renditions_nonneg check (renditions_bytes >= 0),
  reserved_bytes bigint not null default 0 constraint org_storage_usage_reserved_nonneg check (reserved_bytes >= 0),
  updated_at timestamptz not null default now()
);
comment on table public.org_storage_usage is
  'Bytes stored per org (originals + renditions) plus bytes reserved by uploads in flight.';
alter table public.org_storage_usage enable row level security;
-- Counters are written only by the quota functions and the media triggers (security definer).
revoke all on table public.org_storage_usage from anon, authenticated, service_role;
grant select on table public.org_storage_usage to authenticated;

create policy "Staff can read their organization's storage usage" on public.org_storage_usage
  for select to authenticated using (org_id in (select private.my_org_ids('staff')));
create policy "Platform admins can read every organization's storage usage" on public.org_storage_usage
  for select to authenticated using ((select private.is_platform_admin()));

-- Why: every org has its counter row from birth, so reservations never race on creating it.
create function private.create_storage_usage_row()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.org_storage_usage (org_id) values (new.id) on conflict do nothing;
  return new;
end
$$;
revoke all on function private.create_storage_usage_row() from public, anon, authenticated;
create trigger organizations_create_storage_usage after insert on public.organizations
  for each row execute function private.create_storage_usage_row();

-- Reserve quota: one conditional update. Concurrent callers serialize on the counter row and the
-- second re-evaluates the condition against the first one's result, so the sum never overshoots.
create function private.reserve_storage(p_org_id uuid, p_bytes bigint)
returns public.org_storage_usage
language plpgsql security definer
set search_path = ''
as $$
declare
  v_row public.org_storage_usage;
begin
  if p_bytes is null or p_bytes < 0 then
    raise exception 'INVALID_SIZE' using errcode = '22023', detail = 'Size must be zero or more bytes.';
  end if;
  insert into public.org_storage_usage (org_id) values (p_org_id) on conflict do nothing;
  update public.org_storage_usage u
     set reserved_bytes = u.reserved_bytes + p_bytes, updated_at = now()
    from public.organizations o
   where o.id = u.org_id and u.org_id = p_org_id
     and u.originals_bytes + u.renditions_bytes + u.reserved_bytes + p_bytes <= o.storage_limit_bytes
  returning u.* into v_row;
  if not found then
    if not exists (select 1 from public.organizations where id = p_org_id) then
      raise exception 'ORG_NOT_FOUND' using errcode = 'P0002';
    end if;
    raise exception 'QUOTA_EXCEEDED' using errcode = '54000',
      detail = 'This upload would exceed the organization''s storage quota.';
  end if;
  return v_row;
end
$$;

-- Release a reservation (upload aborted). Clamped at zero so a repeated abort cannot go negative.
create function private.release_storage(p_org_id uuid, p_bytes bigint)
returns public.org_storage_usage
language sql security definer
set search_path = ''
as $$
  update public.org_storage_usage
     set reserved_bytes = greatest(reserved_bytes - greatest(p_bytes, 0), 0), updated_at = now()
   where org_id = p_org_id
  returning *
$$;

revoke all on function private.reserve_storage(uuid, bigint), private.release_storage(uuid, bigint)
  from public, anon, authenticated;

-- Media assets -----------------------------------------------------------------------------------
-- Why partitioned by range on a UUIDv7 id: the plan asks for monthly partitions by creation time.
-- Partitioning on created_at would force the primary key to be (id, created_at) and every
-- foreign key (segments, narrations, jobs, …) to carry created_at. A UUIDv7 id embeds its creation
-- millisecond, so a month is one contiguous id range: the key stays (id), foreign keys reference
-- media_assets(id), and created_at is generated from the id, so the two can never disagree.
create table public.media_assets (
  id uuid not null default private.uuid_v7(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  uploaded_by uuid references public.profiles (id) on delete set null,
  name text not null constraint media_assets_name_length check (char_length(btrim(name)) between 1 and 200),
  kind public.media_kind not null default 'match',
  status public.media_status not null default 'uploading',
  processing_stage text,
  progress real not null default 0 constraint media_assets_progress_range check (progress between 0 and 1),
  playable boolean not null default false,
  file_name text not null constraint media_assets_file_name_length check (char_length(file_name) between 1 and 255),
  content_type text not null,
  size_bytes bigint not null constraint media_assets_size_nonneg check (size_bytes >= 0),
  renditions_bytes bigint not null default 0 constraint media_assets_renditions_bytes_nonneg check (renditions_bytes >= 0),
  duration_seconds double precision constraint media_assets_duration_nonneg check (duration_seconds >= 0),
  width int constraint media_assets_width_positive check (width > 0),
  height int constraint media_assets_height_positive check (height > 0),
  checksum text,
  storage_prefix text not null,
  original_key text not null,
  upload_id text,
  master_playlist_key text,
  renditions jsonb not null default '[]'::jsonb
    constraint media_assets_renditions_array check (jsonb_typeof(renditions) = 'array'),
  poster_key text,
  storyboard_vtt_key text,
  error_code text,
  error_message text,
  created_at timestamptz not null generated always as (private.uuid_v7_time(id)) stored,
  updated_at timestamptz not null default now(),
  constraint media_assets_pkey primary key (id),
  -- Lets child tables pin their org_id to the asset's org with one composite foreign key.
  constraint media_assets_id_org_key unique (id, org_id),
  -- An asset may only point at objects under its own org and id (no cross-tenant keys).
  constraint media_assets_keys_in_own_prefix check (
    starts_with(storage_prefix, 'orgs/' || org_id::text || '/media/' || id::text)
    and starts_with(original_key, 'orgs/' || org_id::text || '/media/' || id::text || '/')
  )
) partition by range (id);
comment on table public.media_assets is
  'Uploaded videos and their HLS outputs; monthly range partitions on the UUIDv7 id.';
create index media_assets_org_created_idx on public.media_assets (org_id, created_at desc);
create index media_assets_org_kind_created_idx on public.media_assets (org_id, kind, created_at desc);
create index media_assets_org_status_idx on public.media_assets (org_id, status, created_at desc);
create index media_assets_uploaded_by_idx on public.media_assets (uploaded_by);
-- The live feed (media/changes: an org's rows changed after a cursor, polled every second while a
-- coach watches) and the media list's cache version (the org's newest change) read this.
create index media_assets_org_updated_idx on public.media_assets (org_id, updated_at);
-- Staff create an upload (with the multipart upload id storage already gave it), rename, re-kind
-- and delete. The state columns (status, progress, processing_stage) are not granted at all: a
-- new row starts as `uploading` (the column default), and from there only the state functions
-- below move it (complete_upload for the media function; update_job_asset, complete_job and
-- fail_job for the worker). Everything else past the upload (playable, sizes after the
-- declaration, keys, renditions, errors) is the worker's, and the storage prefix and original key
-- are fixed at insert (media_assets_keys_in_own_prefix).
select private.guard_org_table('media_assets', p_index_org_id => false);
grant select, delete on table public.media_assets to authenticated;
grant insert (id, org_id, uploaded_by, name, kind, file_name, content_type, size_bytes,
  storage_prefix, original_key, upload_id) on table public.media_assets to authenticated;
grant update (name, kind) on table public.media_assets to authenticated;


-- Why: a state column has one set of writers (the state functions below), and this holds every
-- write to it, theirs included (and an operator's hand-written update), to the transitions its
-- trigger lists: `tg_argv[0]` names the column, the rest are `from>to` pairs (`*` for any state).
-- A change the list does not name raises INVALID_TRANSITION, so a late or duplicate write can
-- never move a finished row backwards.
create function private.check_state_transition()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_from text := to_jsonb(old) ->> tg_argv[0];
  v_to text := to_jsonb(new) ->> tg_argv[0];
begin
  if v_from is distinct from v_to
     and not (v_from || '>' || v_to = any (tg_argv[1:]) or '*>' || v_to = any (tg_argv[1:])) then
    raise exception 'INVALID_TRANSITION' using errcode = '55000',
      detail = format('%s.%s cannot go from %s to %s.', tg_table_name, tg_argv[0], v_from, v_to);
  end if;
  return new;
end
$$;
revoke all on function private.check_state_transition() from public, anon, authenticated;
-- An asset: uploading → uploaded (complete_upload), uploaded → transcoding → transcoded →
-- complete (the worker; transcoded → transcoding when a retry starts over after the ladder was
-- published), and any state → failed. Nothing leaves `complete` or `failed`.
create trigger media_assets_status_transition before update of status on public.media_assets
  for each row execute function private.check_state_transition('status',
    'uploading>uploaded', 'uploaded>transcoding', 'transcoding>transcoded',
    'transcoded>transcoding', 'transcoded>complete', '*>failed');

create policy "Members can read their organization's media" on public.media_assets
  for select to authenticated using (org_id in (select private.my_org_ids()));
create policy "Platform admins can read every media asset" on public.media_assets
  for select to authenticated using ((select private.is_platform_admin()));
create policy "Staff can add media to their organization" on public.media_assets
  for insert to authenticated with check (org_id in (select private.my_org_ids('staff')));
create policy "Platform admins can add media to any organization" on public.media_assets
  for insert to authenticated with check ((select private.is_platform_admin()));
create policy "Staff can update their organization's media" on public.media_assets
  for update to authenticated
  using (org_id in (select private.my_org_ids('staff')))
  with check (org_id in (select private.my_org_ids('staff')));
create policy "Platform admins can update every media asset" on public.media_assets
  for update to authenticated
  using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()));
create policy "Staff can delete their organization's media" on public.media_assets
  for delete to authenticated using (org_id in (select private.my_org_ids('staff')));
create policy "Platform admins can delete every media asset" on public.media_assets
  for delete to authenticated using ((select private.is_platform_admin()));

-- Quota accounting follows the asset row, so no code path can forget it: inserting an uploading
-- asset reserves its declared size (atomically, raising QUOTA_EXCEEDED), leaving `uploading`
-- turns the reservation into stored originals, renditions_bytes feeds the renditions counter and
-- deleting the row gives everything back.
create function private.account_media_storage()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status = 'uploading' then
      perform private.reserve_storage(new.org_id, new.size_bytes);
    else
      perform private.reserve_storage(new.org_id, new.size_bytes);
      update public.org_storage_usage
         set reserved_bytes = greatest(reserved_bytes - new.size_bytes, 0),
             originals_bytes = originals_bytes + new.size_bytes
       where org_id = new.org_id;
    end if;
    if new.renditions_bytes > 0 then
      update public.org_storage_usage set renditions_bytes = renditions_bytes + new.renditions_bytes
       where org_id = new.org_id;
    end if;
    return null;
  elsif tg_op = 'UPDATE' then
    if old.status = 'uploading' and new.status = 'uploading' and new.size_bytes <> old.size_bytes then
      if new.size_bytes > old.size_bytes then
        perform private.reserve_storage(new.org_id, new.size_bytes - old.size_bytes);
      else
        perform private.release_storage(new.org_id, old.size_bytes - new.size_bytes);
      end if;
    elsif old.status = 'uploading' and new.status <> 'uploading' then
      if new.size_bytes > old.size_bytes then
        perform private.reserve_storage(new.org_id, new.size_bytes - old.size_bytes);
      end if;
      update public.org_storage_usage
         set reserved_bytes = greatest(reserved_bytes - greatest(old.size_bytes, new.size_bytes), 0),
             originals_bytes = originals_bytes + new.size_bytes, updated_at = now()
       where org_id = new.org_id;
    elsif old.status <> 'uploading' and new.size_bytes <> old.size_bytes then
      update public.org_storage_usage
         set originals_bytes = greatest(originals_bytes + new.size_bytes - old.size_bytes, 0), updated_at = now()
       where org_id = new.org_id;
    end if;
    if new.renditions_bytes <> old.renditions_bytes then
      update public.org_storage_usage
         set renditions_bytes = greatest(renditions_bytes + new.renditions_bytes - old.renditions_bytes, 0),
             updated_at = now()
       where org_id = new.org_id;
    end if;
    return null;
  else
    update public.org_storage_usage
       set reserved_bytes = case when old.status = 'uploading'
                                 then greatest(reserved_bytes - old.size_bytes, 0) else reserved_bytes end,
           originals_bytes = case when old.status <> 'uploading'
                                  then greatest(originals_bytes - old.size_bytes, 0) else originals_bytes end,
           renditions_bytes = greatest(renditions_bytes - old.renditions_bytes, 0),
           updated_at = now()
     where org_id = old.org_id;
    return null;
  end if;
end
$$;
revoke all on function private.account_media_storage() from public, anon, authenticated;
create trigger media_assets_account_storage
  after insert or update of status, size_bytes, renditions_bytes or delete on public.media_assets
  for each row execute function private.account_media_storage();

-- Media list version (SCALE-3) --------------------------------------------------------------------
-- Why: the media function caches an org's library pages, and the worker, the job functions and
-- the API all change the rows behind them. Rather than have every writer invalidate a cache it
-- may not even reach, every statement that writes an org's assets bumps the org's version here,
-- and the cache key carries it: a cached page is always the page of one version, and a write by
-- anyone makes it unreachable. The bump runs once per statement, after the row locks, so it
-- serializes writers on one row without deadlocking a statement that touches several assets.
-- No foreign key: an org's deletion deletes its assets first, which bumps a row the org's own
-- cascade would be racing; a leftover row of a deleted org is a few bytes.
create table private.media_versions (
  org_id uuid primary key,
  version bigint not null default 0
);
comment on table private.media_versions is
  'Per-org change counter of media_assets, part of the media list cache key.';
revoke all on table private.media_versions from public, anon, authenticated, service_role;

create function private.bump_media_version()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into private.media_versions (org_id, version)
  select c.org_id, 1 from (select distinct org_id from changed) c order by c.org_id
  on conflict (org_id) do update set version = private.media_versions.version + 1;
  return null;
end
$$;
revoke all on function private.bump_media_version() from public, anon, authenticated;
create trigger media_assets_version_insert after insert on public.media_assets
  referencing new table as changed for each statement execute function private.bump_media_version();
create trigger media_assets_version_update after update on public.media_assets
  referencing new table as changed for each statement execute function private.bump_media_version();
create trigger media_assets_version_delete after delete on public.media_assets
  referencing old table as changed for each statement execute function private.bump_media_version();

-- The version of an org's media for a member of it (null for anyone else).
create function private.media_version(p_org_id uuid)
returns bigint
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select v.version from private.media_versions v where v.org_id = p_org_id), 0)
   where private.is_org_member(p_org_id) or private.is_platform_admin()
$$;
revoke all on function private.media_version(uuid) from public, anon;
grant execute on function private.media_version(uuid) to authenticated;

-- Partition maintenance --------------------------------------------------------------------------
-- Why: an insert with no matching partition fails, so partitions are created ahead. The local
-- platform calls this at start; on Supabase pg_cron runs it monthly (scheduled below when present).
-- Partitions are tables in public: each gets RLS enabled and no grants, so they can only be read
-- through the parent's policies.
create function private.ensure_media_partitions(
  p_months_ahead int default 3,
  p_from timestamptz default null
)
returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  v_month timestamptz := date_trunc('month', coalesce(p_from, now()), 'UTC');
  v_last timestamptz := date_trunc('month', now(), 'UTC') + make_interval(months => greatest(p_months_ahead, 0));
  v_name text;
  v_created int := 0;
begin
  if p_months_ahead is null or p_months_ahead < 0 or p_months_ahead > 120 then
    raise exception 'INVALID_MONTHS_AHEAD' using errcode = '22023';
  end if;
  while v_month <= v_last loop
    v_name := 'media_assets_y' || to_char(v_month at time zone 'UTC', 'YYYY') || 'm'
      || to_char(v_month at time zone 'UTC', 'MM');
    if to_regclass('public.' || v_name) is null then
      execute format(
        'create table public.%I partition of public.media_assets for values from (%L) to (%L)',
        v_name,
        private.uuid_v7_floor(v_month),
        private.uuid_v7_floor(v_month + interval '1 month')
      );
      execute format('alter table public.%I enable row level security', v_name);
      execute format('revoke all on table public.%I from anon, authenticated, service_role', v_name);
      execute format('comment on table public.%I is %L', v_name,
        'Monthly partition of media_assets; read it through the parent.');
      v_created := v_created + 1;
    end if;
    v_month := v_month + interval '1 month';
  end loop;
  return v_created;
end
$$;
revoke all on function private.ensure_media_partitions(int, timestamptz) from public, anon, authenticated;

-- History starts in 2025 (the product's first uploads); the function keeps three months ahead.
select private.ensure_media_partitions(3, '2025-01-01');

-- Jobs -------------------------------------------------------------------------------------------
-- Why: the durable record of every async task and, locally, the queue itself (lease + heartbeat).
create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  media_asset_id uuid,
  type public.job_type not null,
  state public.job_state not null default 'queued',
  progress real not null default 0 constraint jobs_progress_range check (progress between 0 and 1),
  attempt int not null default 0 constraint jobs_attempt_nonneg check (attempt >= 0),
  max_attempts int not null default 3 constraint jobs_max_attempts_positive check (max_attempts between 1 and 20),
  run_after timestamptz not null default now(),
  lease_owner text,
  lease_expires_at timestamptz,
  heartbeat_at timestamptz,
  error_code text,
  error_message text,
  payload jsonb not null default '{}'::jsonb,
  result jsonb,
  idempotency_key text unique,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  constraint jobs_media_asset_same_org foreign key (media_asset_id, org_id)
    references public.media_assets (id, org_id) on delete cascade,
  constraint jobs_finished_has_time check (state not in ('succeeded', 'failed', 'cancelled') or finished_at is not null)
);
comment on table public.jobs is
  'Async work (transcode, AI, export): state, lease and attempts; locally also the queue.';
create index jobs_org_state_type_idx on public.jobs (org_id, state, type);
create index jobs_media_asset_id_idx on public.jobs (media_asset_id);
create index jobs_queued_idx on public.jobs (run_after, created_at) where state = 'queued';
create index jobs_running_lease_idx on public.jobs (lease_expires_at) where state = 'running';
create index jobs_finished_at_idx on public.jobs (finished_at)
  where state in ('succeeded', 'failed', 'cancelled');
create index jobs_created_by_idx on public.jobs (created_by);
-- A job follows its lease: queued → running (a claim), running → queued (retry, release, defer),
-- running → succeeded or failed, queued or running → cancelled. A finished job stays finished.
create trigger jobs_state_transition before update of state on public.jobs
  for each row execute function private.check_state_transition('state',
    'queued>running', 'queued>cancelled', 'running>queued', 'running>succeeded', 'running>failed',
    'running>cancelled');
-- Staff queue a transcode (upload completion) or an export; state, lease, attempts, progress and
-- result are the job functions' (security definer), run by the worker.
select private.guard_org_table('jobs', p_index_org_id => false);
grant select on table public.jobs to authenticated;
grant insert (org_id, media_asset_id, type, payload, idempotency_key, created_by)
  on table public.jobs to authenticated;

create policy "Staff can read their organization's jobs" on public.jobs
  for select to authenticated using (org_id in (select private.my_org_ids('staff')));
create policy "Platform admins can read every job" on public.jobs
  for select to authenticated using ((select private.is_platform_admin()));
create policy "Staff can queue jobs for their organization" on public.jobs
  for insert to authenticated with check (
    org_id in (select private.my_org_ids('staff'))
    and state = 'queued' and attempt = 0 and lease_owner is null
  );
create policy "Platform admins can queue jobs for any organization" on public.jobs
  for insert to authenticated with check ((select private.is_platform_admin()));
create policy "Platform admins can update every job" on public.jobs
  for update to authenticated
  using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()));
create policy "Platform admins can delete jobs" on public.jobs
  for delete to authenticated using ((select private.is_platform_admin()));

-- Job lifecycle (the worker, through the service connection) -------------------------------------
-- The worker and the edge functions' privileged steps connect as postgres, the owner, so these
-- are executable by no API role.

-- Claim the oldest runnable job: queued and due, or running with an expired lease (its worker
-- died). skip locked lets many workers poll without blocking each other or double-claiming.
create function private.claim_next_job(
  p_worker text,
  p_lease_seconds int,
  p_types public.job_type[] default null
)
returns setof public.jobs
language plpgsql security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  if coalesce(btrim(p_worker), '') = '' or p_lease_seconds is null or p_lease_seconds < 1 then
    raise exception 'INVALID_CLAIM' using errcode = '22023', detail = 'worker and a positive lease are required';
  end if;
  perform private.fail_exhausted_jobs();

  select j.id into v_id from public.jobs j
   where j.state = 'queued' and j.run_after <= now()
     and (p_types is null or j.type = any (p_types))
   order by j.run_after, j.created_at
   for update skip locked
   limit 1;
  if v_id is null then
    select j.id into v_id from public.jobs j
     where j.state = 'running' and j.lease_expires_at < now() and j.attempt < j.max_attempts
       and (p_types is null or j.type = any (p_types))
     order by j.lease_expires_at
     for update skip locked
     limit 1;
  end if;
  if v_id is null then
    return;
  end if;
  return query
    update public.jobs
       set state = 'running', attempt = attempt + 1, lease_owner = p_worker,
           lease_expires_at = now() + make_interval(secs => p_lease_seconds), heartbeat_at = now(),
           started_at = coalesce(started_at, now()), error_code = null, error_message = null
     where id = v_id
    returning *;
end
$$;

-- Claim one named job (the SQS path): empty when it is finished or leased live by someone else.
create function private.claim_job(p_job_id uuid, p_worker text, p_lease_seconds int)
returns setof public.jobs
language plpgsql security definer
set search_path = ''
as $$
begin
  if coalesce(btrim(p_worker), '') = '' or p_lease_seconds is null or p_lease_seconds < 1 then
    raise exception 'INVALID_CLAIM' using errcode = '22023', detail = 'worker and a positive lease are required';
  end if;
  perform private.fail_exhausted_jobs();
  return query
    update public.jobs j
       set state = 'running', attempt = j.attempt + 1, lease_owner = p_worker,
           lease_expires_at = now() + make_interval(secs => p_lease_seconds), heartbeat_at = now(),
           started_at = coalesce(j.started_at, now()), error_code = null, error_message = null
     where j.id = (
       select c.id from public.jobs c
        where c.id = p_job_id and c.attempt < c.max_attempts
          and (c.state = 'queued' or (c.state = 'running' and c.lease_expires_at < now()))
        for update skip locked
     )
    returning j.*;
end
$$;

-- Extend the lease; false means the lease was lost and the worker must stop publishing.
create function private.heartbeat_job(
  p_job_id uuid,
  p_worker text,
  p_lease_seconds int,
  p_progress real default null
)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
begin
  if p_progress is not null and (p_progress < 0 or p_progress > 1) then
    raise exception 'INVALID_PROGRESS' using errcode = '22023', detail = 'progress must be between 0 and 1';
  end if;
  update public.jobs
     set lease_expires_at = now() + make_interval(secs => greatest(p_lease_seconds, 1)),
         heartbeat_at = now(), progress = coalesce(p_progress, progress)
   where id = p_job_id and state = 'running' and lease_owner = p_worker and lease_expires_at >= now();
  return found;
end
$$;

-- Finish successfully; repeating the call after success by the same worker is a no-op true. A
-- transcode's success completes its asset in the same statement (as fail_job fails it): the
-- ladder is published by then (`transcoded`), so the asset turns `complete` at 100 %.
create function private.complete_job(p_job_id uuid, p_worker text, p_result jsonb)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
declare
  v_asset_id uuid;
  v_type public.job_type;
begin
  update public.jobs
     set state = 'succeeded', progress = 1, result = p_result, finished_at = now(),
         lease_expires_at = null
   where id = p_job_id and state = 'running' and lease_owner = p_worker
  returning media_asset_id, type into v_asset_id, v_type;
  if found then
    if v_asset_id is not null and v_type = 'transcode' then
      update public.media_assets
         set status = 'complete', processing_stage = null, progress = 1, playable = true
       where id = v_asset_id;
    end if;
    return true;
  end if;
  return exists (
    select 1 from public.jobs where id = p_job_id and state = 'succeeded' and lease_owner = p_worker
  );
end
$$;

-- Record a failure: retry with exponential backoff (10 s, 20 s, 40 s … capped at 10 min) while
-- attempts remain and the error is retryable; otherwise fail the job and its media asset.
create function private.fail_job(
  p_job_id uuid,
  p_worker text,
  p_error_code text,
  p_error_message text,
  p_retryable boolean
)
returns public.job_state
language plpgsql security definer
set search_path = ''
as $$
declare
  v_job public.jobs;
begin
  select * into v_job from public.jobs where id = p_job_id for update;
  if not found then
    raise exception 'JOB_NOT_FOUND' using errcode = 'P0002';
  end if;
  if v_job.state <> 'running' or v_job.lease_owner is distinct from p_worker then
    return v_job.state;
  end if;
  if coalesce(p_retryable, false) and v_job.attempt < v_job.max_attempts then
    update public.jobs
       set state = 'queued', lease_owner = null, lease_expires_at = null,
           run_after = now() + make_interval(secs => least(10 * power(2, v_job.attempt - 1), 600)),
           error_code = p_error_code, error_message = left(p_error_message, 2000)
     where id = p_job_id;
    return 'queued';
  end if;
  update public.jobs
     set state = 'failed', finished_at = now(), lease_expires_at = null,
         error_code = p_error_code, error_message = left(p_error_message, 2000)
   where id = p_job_id;
  if v_job.media_asset_id is not null and v_job.type = 'transcode' then
    update public.media_assets
       set status = 'failed', error_code = p_error_code, error_message = left(p_error_message, 2000)
     where id = v_job.media_asset_id;
  end if;
  return 'failed';
end
$$;

-- The worker's writes to the asset of the job it holds (TX-4, TX-5: stage, progress, probe
-- results, each published rung): only while its lease is live on that job, so a worker that lost
-- the job to another cannot publish over it. `p_patch` names worker columns only; a status
-- change goes through `p_status`, where the transition check applies. Only the named columns are
-- assigned (so `update of` triggers fire for what changes), each converted to its column's type
-- by jsonb_populate_record. False when the lease is gone.
create function private.update_job_asset(
  p_job_id uuid,
  p_worker text,
  p_patch jsonb,
  p_status public.media_status default null
)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
declare
  v_patch jsonb := coalesce(p_patch, '{}'::jsonb);
  v_unknown text;
  v_asset_id uuid;
  v_sets text;
  v_rows int;
begin
  select k into v_unknown from jsonb_object_keys(v_patch) k
   where k not in ('processing_stage', 'progress', 'playable', 'duration_seconds', 'width',
                   'height', 'master_playlist_key', 'renditions', 'renditions_bytes', 'poster_key',
                   'storyboard_vtt_key', 'error_code', 'error_message')
   limit 1;
  if v_unknown is not null then
    raise exception 'NOT_A_WORKER_COLUMN' using errcode = '22023',
      detail = format('media_assets.%s is not written by the worker', v_unknown);
  end if;
  select j.media_asset_id into v_asset_id from public.jobs j
   where j.id = p_job_id and j.state = 'running' and j.lease_owner = p_worker;
  if v_asset_id is null then
    return false;
  end if;
  select string_agg(format('%1$I = p.%1$I', k), ', ') into v_sets from jsonb_object_keys(v_patch) k;
  if p_status is not null then
    v_sets := concat_ws(', ', v_sets, 'status = $3');
  end if;
  if v_sets is null then
    return true;
  end if;
  execute format('update public.media_assets a set %s
                    from jsonb_populate_record(null::public.media_assets, $1) p where a.id = $2', v_sets)
    using v_patch, v_asset_id, p_status;
  get diagnostics v_rows = row_count;
  return v_rows > 0;
end
$$;

-- Hand the job back without spending an attempt: at once for a graceful stop (spot interruption),
-- or after `p_after_seconds` when its input is not ready yet (defer_job).
create function private.release_job(p_job_id uuid, p_worker text, p_after_seconds int default 0)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.jobs
     set state = 'queued', attempt = greatest(attempt - 1, 0), lease_owner = null,
         lease_expires_at = null, run_after = now() + make_interval(secs => greatest(p_after_seconds, 0))
   where id = p_job_id and state = 'running' and lease_owner = p_worker;
  return found;
end
$$;

-- Jobs whose worker vanished after the last attempt fail (and fail their asset), never loop.
create function private.fail_exhausted_jobs()
returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  v_count int;
begin
  with dead as (
    update public.jobs
       set state = 'failed', finished_at = now(), lease_expires_at = null,
           error_code = 'LEASE_EXPIRED',
           error_message = 'The worker stopped responding on the last attempt.'
     where state = 'running' and lease_expires_at < now() and attempt >= max_attempts
    returning media_asset_id, type
  )
  update public.media_assets a
     set status = 'failed', error_code = 'LEASE_EXPIRED',
         error_message = 'The worker stopped responding on the last attempt.'
    from dead where a.id = dead.media_asset_id and dead.type = 'transcode';
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Finished jobs are history, not queue: deleted after 30 days (SCALE-5).
create function private.delete_finished_jobs(p_older_than interval default interval '30 days')
returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  v_count int;
begin
  delete from public.jobs
   where state in ('succeeded', 'failed', 'cancelled') and finished_at < now() - p_older_than;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

revoke all on function
  private.claim_next_job(text, int, public.job_type[]), private.claim_job(uuid, text, int),
  private.heartbeat_job(uuid, text, int, real), private.complete_job(uuid, text, jsonb),
  private.fail_job(uuid, text, text, text, boolean), private.release_job(uuid, text, int),
  private.update_job_asset(uuid, text, jsonb, public.media_status),
  private.fail_exhausted_jobs(), private.delete_finished_jobs(interval)
  from public, anon, authenticated;

-- Upload completion (the media function, as the caller) ------------------------------------------
-- MEDIA-2: the upload is stored and its size verified (the media function completed the
-- multipart upload and read its size first): the asset turns `uploaded` and its one transcode job
-- is queued, with the payload the worker runs on (contracts/jobs.ts TranscodePayload). The row
-- lock serializes concurrent completes, so a repeated or concurrent call returns the same job and
-- changes nothing. Security definer because no API role writes an asset's state; the caller must
-- be staff of the asset's org or a platform admin, as for every upload step.
create function private.complete_upload(p_asset_id uuid)
returns setof public.jobs
language plpgsql security definer
set search_path = ''
as $$
declare
  v_asset public.media_assets;
begin
  select * into v_asset from public.media_assets where id = p_asset_id for update;
  if not found
     or not (private.has_org_role(v_asset.org_id, 'staff') or private.is_platform_admin()) then
    raise exception 'UPLOAD_NOT_FOUND' using errcode = 'P0002', detail = 'Upload not found.';
  end if;
  if v_asset.status = 'uploading' then
    insert into public.jobs (org_id, media_asset_id, type, payload, idempotency_key, created_by)
    values (v_asset.org_id, v_asset.id, 'transcode',
            jsonb_build_object('assetId', v_asset.id, 'originalKey', v_asset.original_key),
            'transcode:' || v_asset.id, (select auth.uid()))
    on conflict (idempotency_key) do nothing;
    update public.media_assets set status = 'uploaded', progress = 0, processing_stage = 'queued'
     where id = v_asset.id;
  end if;
  return query select * from public.jobs where idempotency_key = 'transcode:' || v_asset.id;
  if not found then
    raise exception 'UPLOAD_NOT_IN_PROGRESS' using errcode = '55000',
      detail = 'This upload is not in progress.';
  end if;
end
$$;
revoke all on function private.complete_upload(uuid) from public, anon;
grant execute on function private.complete_upload(uuid) to authenticated;
