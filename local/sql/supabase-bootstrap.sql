-- Supabase platform bootstrap for the local database (PGlite).
--
-- Why: on Supabase these objects already exist before the first migration runs (roles, the auth
-- schema managed by GoTrue, the extensions schema, default privileges). Our migrations assume them,
-- so the local platform runs this file before `supabase db push`. It never runs in production.
-- Idempotent: safe to run on every start.

-- Roles -----------------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin nologin noinherit;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
-- The superuser the local platform connects as may switch into every API role, as postgres can on Supabase.
grant anon, authenticated, service_role to postgres;

-- Extensions ------------------------------------------------------------------------------------
create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;

do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'vector') then
    create extension if not exists vector with schema extensions;
  end if;
  -- pgcrypto is optional here: PGlite only offers it when the host loads the contrib bundle.
  if exists (select 1 from pg_available_extensions where name = 'pgcrypto') then
    create extension if not exists pgcrypto with schema extensions;
  end if;
end
$$;

-- Supabase sets this search_path for every API role so unqualified extension types resolve.
alter role anon set search_path = "$user", public, extensions;
alter role authenticated set search_path = "$user", public, extensions;
alter role service_role set search_path = "$user", public, extensions;

-- auth schema (the subset of GoTrue's tables that our code and the local auth emulator use) -----
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role, supabase_auth_admin;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255) default 'authenticated',
  role varchar(255) default 'authenticated',
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb default '{}'::jsonb,
  raw_user_meta_data jsonb default '{}'::jsonb,
  is_super_admin boolean,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  phone text unique default null,
  phone_confirmed_at timestamptz,
  banned_until timestamptz,
  reauthentication_token varchar(255) default '',
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create unique index if not exists users_email_key on auth.users (email);
create index if not exists users_instance_id_idx on auth.users (instance_id);

create table if not exists auth.identities (
  id uuid primary key default gen_random_uuid(),
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  email text generated always as (lower(identity_data ->> 'email')) stored,
  unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  aal text default 'aal1',
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);

create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) not null unique,
  user_id uuid not null references auth.users (id) on delete cascade,
  revoked boolean not null default false,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);

-- The claim readers are copied from Supabase so RLS behaves identically: PostgREST (and our edge
-- functions) put the verified JWT claims in request.jwt.claims for the transaction.
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role;
grant all on all tables in schema auth to supabase_auth_admin, service_role;
grant all on all sequences in schema auth to supabase_auth_admin, service_role;

-- public schema grants, as a hosted project has them since 30 October 2026 -----------------------
-- Where this was read (PROD-1):
-- * supabase.com/changelog/45329 ("Tables not exposed to Data and GraphQL API automatically"): from
--   30 Oct 2026 every project, new or old, stops granting select/insert/update/delete on new
--   `public` tables to anon, authenticated and service_role; grants must be explicit.
-- * supabase/postgres migrations/db/init-scripts/00000000000000-initial-schema.sql, which
--   migrations/db/migrate.sh runs as postgres: the usage grant and the three `alter default
--   privileges in schema public grant all … to postgres, anon, authenticated, service_role` lines
--   below, i.e. for role postgres (the CLI's pg_dump of the same schema, initial_schemas/14.sql,
--   shows them as `FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES TO anon`, …).
-- * supabase/cli apps/cli-go/internal/db/start/start.go RevokeDefaultDataApiPrivilegesSql (and
--   packages/stack/src/services/postgres-init.ts), "the SQL that Studio runs at cloud project
--   creation when the 'Default privileges for new entities' toggle is off", which the CLI runs
--   locally for `[api] auto_expose_new_tables = false`: the three revokes below, verbatim.
-- * supabase.com/docs/guides/database/data-api (opting back in is the same `for role postgres in
--   schema public` defaults) and github.com/orgs/supabase/discussions/50095 (an audit of a hosted
--   project after the change: the TRUNCATE and TRIGGER defaults are still there).
-- What is left is what production has, so nothing here is looser or stricter than it: a new table
-- owned by postgres still gives the API roles TRUNCATE, REFERENCES, TRIGGER and, on Postgres 17+,
-- MAINTAIN (the revoke names only select, insert, update, delete), a new sequence UPDATE, and a new
-- function EXECUTE through PUBLIC, Postgres's own default, which no Supabase default removes. Every
-- migration therefore revokes all on its tables before granting (supabase/tests/05-privileges).
-- These are the defaults that apply to our objects because `supabase db push` creates them as
-- postgres (the CLI's internal/utils/connect.go steps a login role down with SET SESSION ROLE
-- postgres). supabase_admin's own defaults are not imitated: nothing here is created as it.
grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke select, insert, update, delete on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke usage, select on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke execute on functions from anon, authenticated, service_role;
