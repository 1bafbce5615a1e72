-- Test helpers (basejump's pattern): create real auth users and act as them exactly as PostgREST
-- and our edge functions do — `set local role authenticated` plus request.jwt.claims.
-- Loaded once by run.ts before the test files; never part of the migrations.
create extension if not exists pgtap;
create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

-- Creates an auth user whose metadata carries the username (the profile trigger reads it).
create or replace function tests.create_supabase_user(
  p_identifier text,
  p_email text default null,
  p_platform_role public.platform_role default 'user'
)
returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  v_id uuid := gen_random_uuid();
begin
  insert into auth.users (id, email, encrypted_password, email_confirmed_at, raw_user_meta_data, raw_app_meta_data)
  values (
    v_id,
    coalesce(p_email, p_identifier || '@test.local'),
    'x',
    now(),
    jsonb_build_object('username', p_identifier, 'name', initcap(p_identifier), 'test_identifier', p_identifier),
    '{"provider":"email"}'::jsonb
  );
  update public.profiles set platform_role = p_platform_role where id = v_id;
  return v_id;
end
$$;

create or replace function tests.get_supabase_uid(p_identifier text)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select id from auth.users where raw_user_meta_data ->> 'test_identifier' = p_identifier
$$;

-- Switches the current transaction to the user, with the claims Supabase Auth would issue.
create or replace function tests.authenticate_as(p_identifier text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_user auth.users;
begin
  select * into v_user from auth.users where raw_user_meta_data ->> 'test_identifier' = p_identifier;
  if v_user.id is null then
    raise exception 'test user % not found', p_identifier;
  end if;
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', v_user.id, 'email', v_user.email, 'role', 'authenticated', 'aud', 'authenticated',
    'app_metadata', v_user.raw_app_meta_data, 'user_metadata', v_user.raw_user_meta_data
  )::text, true);
end
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role":"service_role"}', true);
end
$$;

create or replace function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '{"role":"anon"}', true);
end
$$;

-- Back to the migration owner (postgres) for fixture setup between identity switches.
create or replace function tests.reset_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'postgres', true);
  perform set_config('request.jwt.claims', '', true);
end
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
