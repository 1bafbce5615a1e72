-- Identity and tenancy: profiles, organizations, membership, org requests and the permission
-- helpers every policy in the product uses (PRODUCT.md Roles, AUTH-1, ORG-1..ORG-4).

-- Profiles ---------------------------------------------------------------------------------------
-- Why: the platform role lives here, writable only by the service connection, so it can never be
-- taken from user-editable auth metadata.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  username text not null unique
    constraint profiles_username_format check (username ~ '^[a-z0-9._-]{3,24}$'),
  name text not null default '' constraint profiles_name_length check (char_length(name) <= 120),
  platform_role public.platform_role not null default 'user',
  primary_org_id uuid,
  avatar_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is
  'One row per auth user: public identity and the platform role (never taken from metadata).';
create index profiles_platform_role_idx on public.profiles (platform_role)
  where platform_role <> 'user';
create trigger profiles_set_updated_at before update on public.profiles
  for each row execute function private.set_updated_at();
alter table public.profiles enable row level security;
-- Users edit their name, username and primary org (me); admins set the platform role (admin),
-- which guard_profile_update keeps to admins and never their own.
revoke all on table public.profiles from anon, authenticated, service_role;
grant select on table public.profiles to authenticated;
grant update (name, username, primary_org_id, platform_role) on table public.profiles to authenticated;

-- Organizations ----------------------------------------------------------------------------------
-- Why: the tenant. join_code is an 8-char code from an unambiguous alphabet, valid 24 h after
-- join_code_set_at (ORG-3); storage_limit_bytes is the quota (ORG-5).
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    constraint organizations_slug_format check (slug ~ '^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$'),
  name text not null constraint organizations_name_length check (char_length(btrim(name)) between 2 and 120),
  type public.org_type not null default 'team',
  visibility public.org_visibility not null default 'private',
  bio text constraint organizations_bio_length check (char_length(bio) <= 2000),
  storage_limit_bytes bigint not null default 10737418240
    constraint organizations_storage_limit_positive check (storage_limit_bytes >= 0),
  join_code text unique constraint organizations_join_code_format
    check (join_code ~ '^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$'),
  join_code_set_at timestamptz,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.organizations is 'Tenants: clubs, academies and personal spaces.';
create index organizations_created_by_idx on public.organizations (created_by);
create trigger organizations_set_updated_at before update on public.organizations
  for each row execute function private.set_updated_at();
alter table public.organizations enable row level security;
-- Created through private.create_organization; owners edit name, bio and visibility, admins also
-- the slug, type and quota (guard_organization_update) and delete. The join code changes only
-- through private.refresh_join_code, so it has no grant.
revoke all on table public.organizations from anon, authenticated, service_role;
grant select, delete on table public.organizations to authenticated;
grant update (name, bio, visibility, slug, type, storage_limit_bytes)
  on table public.organizations to authenticated;

alter table public.profiles add constraint profiles_primary_org_id_fkey
  foreign key (primary_org_id) references public.organizations (id) on delete set null;
create index profiles_primary_org_id_idx on public.profiles (primary_org_id);

-- Members ----------------------------------------------------------------------------------------
-- Why: membership is the tenant boundary every policy checks; the user_id index serves
-- "which orgs am I in" and the partial index the plan's privileged-membership lookups.
create table public.org_members (
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.org_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
comment on table public.org_members is 'Who belongs to which organization, with which ranked role.';
create index org_members_user_id_idx on public.org_members (user_id);
create index org_members_privileged_idx on public.org_members (user_id, org_id)
  where role in ('owner', 'manager');
-- Managers add members below their rank (policy); role changes, removal and leaving go through
-- the private functions, which own the rank rules.
select private.guard_org_table('org_members', p_stamp_updated_at => false, p_index_org_id => false);
grant select on table public.org_members to authenticated;
grant insert (org_id, user_id, role) on table public.org_members to authenticated;

-- Org requests -----------------------------------------------------------------------------------
-- Why: a user asks for an org; a platform admin decides once (ORG-1). Decisions are kept.
create table public.org_requests (
  id uuid primary key default gen_random_uuid(),
  requested_by uuid not null references public.profiles (id) on delete cascade,
  name text not null constraint org_requests_name_length check (char_length(btrim(name)) between 2 and 120),
  type public.org_type not null default 'team',
  message text constraint org_requests_message_length check (char_length(message) <= 2000),
  status public.org_request_status not null default 'pending',
  review_notes text,
  reviewed_by uuid references public.profiles (id) on delete set null,
  reviewed_at timestamptz,
  org_id uuid references public.organizations (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint org_requests_decision_consistent check (
    (status = 'pending' and reviewed_at is null) or (status <> 'pending' and reviewed_at is not null)
  )
);
comment on table public.org_requests is 'Requests to create an organization, decided by a platform admin.';
create index org_requests_requested_by_idx on public.org_requests (requested_by);
create index org_requests_pending_idx on public.org_requests (created_at) where status = 'pending';
create index org_requests_reviewed_by_idx on public.org_requests (reviewed_by);
create index org_requests_org_id_idx on public.org_requests (org_id);
create trigger org_requests_set_updated_at before update on public.org_requests
  for each row execute function private.set_updated_at();
alter table public.org_requests enable row level security;
-- Users file a request; the decision columns belong to approve/reject_org_request.
revoke all on table public.org_requests from anon, authenticated, service_role;
grant select on table public.org_requests to authenticated;
grant insert (requested_by, name, type, message) on table public.org_requests to authenticated;

-- Permission helpers -----------------------------------------------------------------------------
-- Why security definer: policies on org_members would otherwise recurse into themselves; each
-- helper reads only the caller's own rows, keyed by auth.uid().

create function private.role_rank(p_role public.org_role)
returns int
language sql immutable parallel safe
set search_path = ''
as $$
  select case p_role when 'owner' then 4 when 'manager' then 3 when 'staff' then 2 when 'member' then 1 end
$$;

create function private.is_platform_admin()
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.profiles p
    where p.id = (select auth.uid()) and p.platform_role = 'admin'
  )
$$;

create function private.is_platform_moderator()
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.profiles p
    where p.id = (select auth.uid()) and p.platform_role in ('admin', 'moderator')
  )
$$;

create function private.org_role_of(p_org_id uuid)
returns public.org_role
language sql stable security definer
set search_path = ''
as $$
  select m.role from public.org_members m
  where m.org_id = p_org_id and m.user_id = (select auth.uid())
$$;

create function private.is_org_member(p_org_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.org_members m
    where m.org_id = p_org_id and m.user_id = (select auth.uid())
  )
$$;

-- True when the caller holds at least p_min_role in the org.
create function private.has_org_role(p_org_id uuid, p_min_role public.org_role)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.org_members m
    where m.org_id = p_org_id and m.user_id = (select auth.uid())
      and private.role_rank(m.role) >= private.role_rank(p_min_role)
  )
$$;

-- The orgs the caller belongs to, for set-based policies (one lookup per statement).
create function private.my_org_ids()
returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select m.org_id from public.org_members m where m.user_id = (select auth.uid())
$$;

-- Same, restricted to a minimum role.
create function private.my_org_ids(p_min_role public.org_role)
returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select m.org_id from public.org_members m
  where m.user_id = (select auth.uid())
    and private.role_rank(m.role) >= private.role_rank(p_min_role)
$$;

-- True when the two users share an org (profiles are visible to co-members only).
create function private.shares_org_with(p_user_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.org_members a
    join public.org_members b on b.org_id = a.org_id
    where a.user_id = (select auth.uid()) and b.user_id = p_user_id
  )
$$;

revoke all on function private.role_rank(public.org_role), private.is_platform_admin(),
  private.is_platform_moderator(), private.org_role_of(uuid), private.is_org_member(uuid),
  private.has_org_role(uuid, public.org_role), private.my_org_ids(),
  private.my_org_ids(public.org_role), private.shares_org_with(uuid) from public, anon;
grant execute on function private.role_rank(public.org_role), private.is_platform_admin(),
  private.is_platform_moderator(), private.org_role_of(uuid), private.is_org_member(uuid),
  private.has_org_role(uuid, public.org_role), private.my_org_ids(),
  private.my_org_ids(public.org_role), private.shares_org_with(uuid) to authenticated;

-- Policies: profiles -----------------------------------------------------------------------------
create policy "Users can read their own profile" on public.profiles
  for select to authenticated using (id = (select auth.uid()));
create policy "Users can read profiles of people in their orgs" on public.profiles
  for select to authenticated using (private.shares_org_with(id));
create policy "Platform admins can read every profile" on public.profiles
  for select to authenticated using ((select private.is_platform_admin()));
create policy "Users can update their own profile" on public.profiles
  for update to authenticated
  using (id = (select auth.uid())) with check (id = (select auth.uid()));
create policy "Platform admins can update any profile" on public.profiles
  for update to authenticated
  using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()));

-- Why a trigger and not only a policy: a user may edit name/username but never their own
-- platform role; only admins change roles, and never their own (ADM-2).
create function private.guard_profile_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.id <> old.id then
    raise exception 'PROFILE_ID_IMMUTABLE' using errcode = '42501';
  end if;
  if new.platform_role is distinct from old.platform_role
     and private.is_end_user() then
    if not private.is_platform_admin() then
      raise exception 'FORBIDDEN' using errcode = '42501', detail = 'Only platform admins change roles.';
    end if;
    if new.id = (select auth.uid()) then
      raise exception 'CANNOT_CHANGE_OWN_ROLE' using errcode = '42501',
        detail = 'Admins cannot change their own platform role.';
    end if;
  end if;
  if new.primary_org_id is distinct from old.primary_org_id and new.primary_org_id is not null
     and private.is_end_user()
     and not exists (select 1 from public.org_members m
                     where m.org_id = new.primary_org_id and m.user_id = new.id) then
    raise exception 'NOT_A_MEMBER' using errcode = '22023',
      detail = 'The primary organization must be one you belong to.';
  end if;
  return new;
end
$$;
revoke all on function private.guard_profile_update() from public;
create trigger profiles_guard_update before update on public.profiles
  for each row execute function private.guard_profile_update();

-- Policies: organizations ------------------------------------------------------------------------
create policy "Members can read their organizations" on public.organizations
  for select to authenticated using (id in (select private.my_org_ids()));
create policy "Platform admins can read every organization" on public.organizations
  for select to authenticated using ((select private.is_platform_admin()));
create policy "Platform admins can create organizations" on public.organizations
  for insert to authenticated with check ((select private.is_platform_admin()));
create policy "Owners can update their organization" on public.organizations
  for update to authenticated
  using (id in (select private.my_org_ids('owner'))) with check (id in (select private.my_org_ids('owner')));
create policy "Platform admins can update every organization" on public.organizations
  for update to authenticated
  using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()));
create policy "Platform admins can delete organizations" on public.organizations
  for delete to authenticated using ((select private.is_platform_admin()));

-- Why: owners edit name/bio/visibility; the quota, slug and type belong to platform admins, and the
-- join code changes only through refresh_join_code (so its timestamp stays truthful).
create function private.guard_organization_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.is_end_user() and not private.is_platform_admin() then
    if new.storage_limit_bytes is distinct from old.storage_limit_bytes
       or new.slug is distinct from old.slug or new.type is distinct from old.type
       or new.created_by is distinct from old.created_by then
      raise exception 'FORBIDDEN' using errcode = '42501',
        detail = 'Only platform admins change the slug, the type or the storage limit.';
    end if;
  end if;
  if (new.join_code is distinct from old.join_code)
     and current_setting('rugbycodex.join_code_refresh', true) is distinct from 'on' then
    raise exception 'FORBIDDEN' using errcode = '42501',
      detail = 'Join codes change only through refresh_join_code.';
  end if;
  return new;
end
$$;
revoke all on function private.guard_organization_update() from public;
create trigger organizations_guard_update before update on public.organizations
  for each row execute function private.guard_organization_update();

-- Policies: org_members --------------------------------------------------------------------------
create policy "Members can read the members of their organizations" on public.org_members
  for select to authenticated using (org_id in (select private.my_org_ids()));
create policy "Platform admins can read every membership" on public.org_members
  for select to authenticated using ((select private.is_platform_admin()));
create policy "Managers can add members below their own rank" on public.org_members
  for insert to authenticated with check (
    user_id <> (select auth.uid())
    and private.role_rank(role) < private.role_rank(private.org_role_of(org_id))
    and private.has_org_role(org_id, 'manager')
  );
create policy "Platform admins can add any membership" on public.org_members
  for insert to authenticated with check ((select private.is_platform_admin()));
create policy "Platform admins can update any membership" on public.org_members
  for update to authenticated
  using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()));
create policy "Members other than owners can leave an organization" on public.org_members
  for delete to authenticated using (user_id = (select auth.uid()) and role <> 'owner');
create policy "Platform admins can remove any membership" on public.org_members
  for delete to authenticated using ((select private.is_platform_admin()));

-- Why: an org must always keep an owner (ORG-4 "last owner blocked"), whoever deletes or demotes.
create function private.keep_an_owner()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner')
     and exists (select 1 from public.organizations o where o.id = old.org_id)
     and not exists (
       select 1 from public.org_members m
       where m.org_id = old.org_id and m.role = 'owner' and m.user_id <> old.user_id
     ) then
    raise exception 'LAST_OWNER' using errcode = '55000',
      detail = 'An organization must keep at least one owner.';
  end if;
  return coalesce(new, old);
end
$$;
revoke all on function private.keep_an_owner() from public;
create trigger org_members_keep_an_owner before update or delete on public.org_members
  for each row execute function private.keep_an_owner();

-- Policies: org_requests -------------------------------------------------------------------------
create policy "Users can read their own org requests" on public.org_requests
  for select to authenticated using (requested_by = (select auth.uid()));
create policy "Platform admins can read every org request" on public.org_requests
  for select to authenticated using ((select private.is_platform_admin()));
create policy "Users can request an organization" on public.org_requests
  for insert to authenticated
  with check (requested_by = (select auth.uid()) and status = 'pending' and reviewed_at is null);
create policy "Platform admins can delete org requests" on public.org_requests
  for delete to authenticated using ((select private.is_platform_admin()));

-- New auth user → profile ------------------------------------------------------------------------
-- Why: sign-up sends options.data = { username, name }; GoTrue stores it in raw_user_meta_data.
-- A missing or taken username falls back to a unique one derived from the email, so sign-up never
-- fails here (the SPA checks availability live beforehand).
create function private.handle_new_user()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_wanted text := lower(coalesce(new.raw_user_meta_data ->> 'username', ''));
  v_base text;
  v_username text;
begin
  if v_wanted ~ '^[a-z0-9._-]{3,24}$'
     and not exists (select 1 from public.profiles where username = v_wanted) then
    v_username := v_wanted;
  else
    v_base := left(regexp_replace(lower(split_part(coalesce(new.email, 'user'), '@', 1)), '[^a-z0-9._-]', '', 'g'), 16);
    if char_length(v_base) < 3 then v_base := 'user'; end if;
    v_username := v_base || '-' || substring(replace(new.id::text, '-', '') from 1 for 6);
  end if;
  insert into public.profiles (id, username, name)
  values (new.id, v_username, left(coalesce(new.raw_user_meta_data ->> 'name', ''), 120))
  on conflict (id) do nothing;
  return new;
end
$$;
revoke all on function private.handle_new_user() from public, anon, authenticated;
create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();
