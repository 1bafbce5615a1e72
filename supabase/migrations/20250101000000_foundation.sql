-- Foundation: extensions, the private helper schema, enums, UUIDv7 ids and shared triggers.
--
-- Error convention for every function and trigger in this schema (edge functions map SQLSTATE to
-- HTTP; the message is the SNAKE_CASE error code, the detail is the human sentence):
--   22023 invalid_parameter_value, 23514 check_violation, 23502 not_null, 22P02 → 400
--   42501 insufficient_privilege (also raised by RLS on insert/update)          → 403
--   P0002 no_data_found                                                         → 404
--   23505 unique_violation, 23503 foreign_key_violation, 55000 object_not_in_prerequisite_state → 409
--   54000 program_limit_exceeded (storage quota)                                → 413
--
-- Grants (PROD-1). Since 30 October 2026 Supabase grants anon, authenticated and service_role no
-- select, insert, update or delete on a new `public` table (what is left of the old defaults,
-- TRUNCATE, REFERENCES, TRIGGER and MAINTAIN, and UPDATE on sequences, every table below revokes;
-- local/sql/supabase-bootstrap.sql says where this was read). The Data API exposes no schema, so
-- these roles are reached only through the edge functions: `set role authenticated` (`anon` for the
-- waitlist) plus request.jwt.claims, around the statements in supabase/functions. Next to each
-- `create table` is exactly what those statements do as the caller, by column where the worker, a
-- SQL function or a trigger owns the other columns (a guard trigger where a column's values, not the
-- column, are the rule). Privileged steps (`asService`) and the worker connect as postgres, the
-- owner, so service_role is granted nothing. supabase/tests/05-privileges.test.sql holds the list.

create extension if not exists vector with schema extensions;

create schema if not exists private;
comment on schema private is 'Permission helpers and internals; never exposed through the API.';
revoke all on schema private from public;
grant usage on schema private to authenticated;
-- Postgres gives every new function EXECUTE to PUBLIC, and only a global default (which would
-- strip extensions' functions too) could change that, so every function in this schema revokes it.

-- Enums ------------------------------------------------------------------------------------------
create type public.platform_role as enum ('admin', 'moderator', 'user');
create type public.org_role as enum ('owner', 'manager', 'staff', 'member');
create type public.org_type as enum ('team', 'academy', 'personal');
create type public.org_visibility as enum ('private', 'public');
create type public.org_request_status as enum ('pending', 'approved', 'rejected');
create type public.media_kind as enum ('match', 'opposition', 'training', 'clinic');
create type public.media_status as enum (
  'uploading', 'uploaded', 'transcoding', 'transcoded', 'complete', 'failed'
);
create type public.job_state as enum ('queued', 'running', 'succeeded', 'failed', 'cancelled');
create type public.job_type as enum (
  'transcode', 'transcribe', 'embed', 'segment_insight', 'match_intelligence', 'coach_audio',
  'export', 'storage_cleanup'
);

-- UUIDv7 -----------------------------------------------------------------------------------------
-- Why: media_assets is partitioned by month on its id. A UUIDv7 starts with the 48-bit Unix
-- millisecond timestamp, so ids sort by creation time and a month is one contiguous id range.
-- Supabase runs PG15/17, which have no built-in uuidv7(), hence this portable version (RFC 9562).
create function private.uuid_v7(p_at timestamptz default clock_timestamp())
returns uuid
language sql volatile parallel safe
set search_path = ''
as $$
  select encode(
    set_bit(
      set_bit(
        overlay(
          uuid_send(gen_random_uuid())
          placing substring(int8send((extract(epoch from p_at) * 1000)::bigint) from 3)
          from 1 for 6
        ),
        52, 1
      ),
      53, 1
    ),
    'hex'
  )::uuid
$$;
comment on function private.uuid_v7(timestamptz) is
  'RFC 9562 UUIDv7 for the given instant (random bits from gen_random_uuid).';

-- The smallest UUIDv7 of an instant: the lower bound of a monthly partition.
create function private.uuid_v7_floor(p_at timestamptz)
returns uuid
language sql immutable parallel safe
set search_path = ''
as $$
  select (
    lpad(to_hex((extract(epoch from p_at) * 1000)::bigint), 12, '0') || '00000000000000000000'
  )::uuid
$$;

-- The creation instant embedded in a UUIDv7.
create function private.uuid_v7_time(p_id uuid)
returns timestamptz
language sql immutable parallel safe
set search_path = ''
as $$
  select to_timestamp(
    ('x' || lpad(substring(replace(p_id::text, '-', '') from 1 for 12), 16, '0'))::bit(64)::bigint
      / 1000.0
  )
$$;

revoke all on function private.uuid_v7(timestamptz), private.uuid_v7_floor(timestamptz),
  private.uuid_v7_time(uuid) from public;
-- The caller evaluates media_assets' id default and generated created_at.
grant execute on function private.uuid_v7(timestamptz), private.uuid_v7_time(uuid) to authenticated;

-- Is this an end-user request? Edge functions run user work after `set local role authenticated`
-- (as PostgREST does); the worker and admin jobs use the service connection without it. The role
-- setting, unlike current_user, is unchanged inside security definer functions, so definer code
-- can tell who called it.
create function private.is_end_user()
returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(nullif(current_setting('role', true), ''), 'none') in ('authenticated', 'anon')
$$;
revoke all on function private.is_end_user() from public;
grant execute on function private.is_end_user() to authenticated;

-- Shared triggers -------------------------------------------------------------------------------
-- Why: one trigger keeps updated_at honest no matter which layer writes the row.
create function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
revoke all on function private.set_updated_at() from public;

-- Why: a row must never move to another tenant (including through upsert's update path); RLS
-- with-check would only catch it when the caller lacks rights in the target org.
create function private.forbid_org_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.org_id is distinct from old.org_id then
    raise exception 'TENANT_IMMUTABLE'
      using errcode = '42501', detail = 'A row cannot be moved to another organization.';
  end if;
  return new;
end
$$;
revoke all on function private.forbid_org_change() from public;

-- Why one helper: every org-scoped table needs the same guards, and a table that missed one would
-- be a tenant leak. It freezes org_id, stamps updated_at, indexes org_id for the RLS lookups (when
-- no wider index leads with it), turns RLS on and leaves no privilege for the table's own grants.
create function private.guard_org_table(
  p_table text,
  p_stamp_updated_at boolean default true,
  p_index_org_id boolean default true
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if p_index_org_id then
    execute format('create index %I on public.%I (org_id)', p_table || '_org_id_idx', p_table);
  end if;
  if p_stamp_updated_at then
    execute format('create trigger %I before update on public.%I for each row execute function '
      'private.set_updated_at()', p_table || '_set_updated_at', p_table);
  end if;
  execute format('create trigger %I before update on public.%I for each row execute function '
    'private.forbid_org_change()', p_table || '_forbid_org_change', p_table);
  execute format('alter table public.%I enable row level security', p_table);
  execute format('revoke all on table public.%I from anon, authenticated, service_role', p_table);
end
$$;
revoke all on function private.guard_org_table(text, boolean, boolean) from public, anon, authenticated;
