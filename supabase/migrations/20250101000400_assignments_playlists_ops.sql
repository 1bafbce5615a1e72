-- Assignments, playlists, viewing sessions and the platform's operational tables
-- (ASG-1, PL-1, FEED-2, TX-7, MEDIA-3 cleanup, WL-1).

create type public.assignment_target_type as enum ('team', 'player', 'group');
create type public.device_status as enum ('online', 'degraded', 'offline');

-- Assignments ------------------------------------------------------------------------------------
-- Why: staff send clips to players; visibility for members follows their progress row, so a
-- player sees exactly the assignments addressed to them.
create table public.assignments (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  title text not null constraint assignments_title_length check (char_length(btrim(title)) between 1 and 200),
  description text constraint assignments_description_length check (char_length(description) <= 4000),
  due_at timestamptz,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint assignments_id_org_key unique (id, org_id)
);
comment on table public.assignments is 'Clip assignments from staff to the team, players or groups.';
create index assignments_org_due_idx on public.assignments (org_id, due_at);
create index assignments_created_by_idx on public.assignments (created_by);

create table public.assignment_progress (
  assignment_id uuid not null,
  org_id uuid not null,
  user_id uuid not null,
  completed_segment_ids uuid[] not null default '{}',
  started_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (assignment_id, user_id),
  constraint assignment_progress_assignment_fkey foreign key (assignment_id, org_id)
    references public.assignments (id, org_id) on delete cascade,
  constraint assignment_progress_member_fkey foreign key (org_id, user_id)
    references public.org_members (org_id, user_id) on delete cascade
);
comment on table public.assignment_progress is 'One row per recipient of an assignment: what they watched and when they finished.';
create index assignment_progress_user_idx on public.assignment_progress (user_id, org_id);
create index assignment_progress_org_open_idx on public.assignment_progress (org_id) where completed_at is null;

-- The assignments the caller receives (security definer: reading progress inside the
-- assignments policy must not re-enter progress policies).
create function private.my_assignment_ids()
returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select p.assignment_id from public.assignment_progress p where p.user_id = (select auth.uid())
$$;
revoke all on function private.my_assignment_ids() from public, anon;
grant execute on function private.my_assignment_ids() to authenticated;

select private.guard_org_table('assignments', p_index_org_id => false);
grant select, delete on table public.assignments to authenticated;
grant insert (org_id, title, description, due_at, created_by) on table public.assignments to authenticated;
select private.add_org_policies('assignments',
  p_select => 'Staff can read their organization''s assignments',
  p_insert => 'Staff can create assignments', p_update => 'Staff can update assignments',
  p_delete => 'Staff can delete assignments', p_reader => 'staff');
create policy "Recipients can read their assignments" on public.assignments
  for select to authenticated using (
    id in (select private.my_assignment_ids()) and org_id in (select private.my_org_ids())
  );
select private.add_platform_admin_policies('assignments');

-- Recipients are added by private.init_assignment_progress and progress is recorded by
-- private.record_segment_watch (both security definer): callers only read it.
select private.guard_org_table('assignment_progress', p_stamp_updated_at => false, p_index_org_id => false);
grant select on table public.assignment_progress to authenticated;
select private.add_org_policies('assignment_progress',
  p_select => 'Staff can read their organization''s assignment progress',
  p_insert => 'Staff can add recipients', p_delete => 'Staff can delete recipients',
  p_reader => 'staff');
create policy "Recipients can read their own progress" on public.assignment_progress
  for select to authenticated using (user_id = (select auth.uid()) and org_id in (select private.my_org_ids()));
create policy "Recipients can record their own progress" on public.assignment_progress
  for update to authenticated
  using (user_id = (select auth.uid()) and org_id in (select private.my_org_ids()))
  with check (user_id = (select auth.uid()) and org_id in (select private.my_org_ids()));
select private.add_platform_admin_policies('assignment_progress');

create table public.assignment_targets (
  id uuid primary key default gen_random_uuid(),
  assignment_id uuid not null,
  org_id uuid not null,
  target_type public.assignment_target_type not null,
  user_id uuid,
  group_id uuid,
  constraint assignment_targets_shape check (
    (target_type = 'team' and user_id is null and group_id is null)
    or (target_type = 'player' and user_id is not null and group_id is null)
    or (target_type = 'group' and group_id is not null and user_id is null)
  ),
  constraint assignment_targets_assignment_fkey foreign key (assignment_id, org_id)
    references public.assignments (id, org_id) on delete cascade,
  constraint assignment_targets_member_fkey foreign key (org_id, user_id)
    references public.org_members (org_id, user_id) on delete cascade,
  constraint assignment_targets_group_fkey foreign key (group_id, org_id)
    references public.groups (id, org_id) on delete cascade
);
comment on table public.assignment_targets is 'Who an assignment is for: the whole team, a player or a group.';
create unique index assignment_targets_unique_idx on public.assignment_targets
  (assignment_id, target_type, coalesce(user_id, group_id, '00000000-0000-0000-0000-000000000000'::uuid));
create index assignment_targets_user_id_idx on public.assignment_targets (user_id);
create index assignment_targets_group_id_idx on public.assignment_targets (group_id);
select private.guard_org_table('assignment_targets', p_stamp_updated_at => false);
grant select on table public.assignment_targets to authenticated;
grant insert (assignment_id, org_id, target_type, user_id, group_id)
  on table public.assignment_targets to authenticated;
select private.add_org_policies('assignment_targets',
  p_select => 'Staff can read their organization''s assignment targets',
  p_insert => 'Staff can add assignment targets', p_update => 'Staff can update assignment targets',
  p_delete => 'Staff can delete assignment targets', p_reader => 'staff');
create policy "Recipients can read the targets of their assignments" on public.assignment_targets
  for select to authenticated using (
    assignment_id in (select private.my_assignment_ids()) and org_id in (select private.my_org_ids())
  );
select private.add_platform_admin_policies('assignment_targets');

create table public.assignment_segments (
  assignment_id uuid not null,
  segment_id uuid not null,
  org_id uuid not null,
  position int not null default 0,
  primary key (assignment_id, segment_id),
  constraint assignment_segments_assignment_fkey foreign key (assignment_id, org_id)
    references public.assignments (id, org_id) on delete cascade,
  constraint assignment_segments_segment_fkey foreign key (segment_id, org_id)
    references public.segments (id, org_id) on delete cascade
);
comment on table public.assignment_segments is 'The clips of an assignment, in order.';
create index assignment_segments_segment_id_idx on public.assignment_segments (segment_id);
select private.guard_org_table('assignment_segments', p_stamp_updated_at => false);
grant select on table public.assignment_segments to authenticated;
grant insert (assignment_id, segment_id, org_id, position) on table public.assignment_segments to authenticated;
select private.add_org_policies('assignment_segments',
  p_select => 'Staff can read their organization''s assignment segments',
  p_insert => 'Staff can add assignment segments',
  p_update => 'Staff can reorder assignment segments',
  p_delete => 'Staff can remove assignment segments', p_reader => 'staff');
create policy "Recipients can read the segments of their assignments" on public.assignment_segments
  for select to authenticated using (
    assignment_id in (select private.my_assignment_ids()) and org_id in (select private.my_org_ids())
  );
select private.add_platform_admin_policies('assignment_segments');

-- Playlists --------------------------------------------------------------------------------------
-- Why: curated, reorderable reels of clips with free-text tags (PL-1).
create table public.playlists (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null constraint playlists_name_length check (char_length(btrim(name)) between 1 and 120),
  description text constraint playlists_description_length check (char_length(description) <= 2000),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint playlists_id_org_key unique (id, org_id)
);
comment on table public.playlists is 'Curated, ordered reels of segments.';
create index playlists_org_created_idx on public.playlists (org_id, created_at desc);
create index playlists_created_by_idx on public.playlists (created_by);
select private.guard_org_table('playlists', p_index_org_id => false);
grant select, delete on table public.playlists to authenticated;
grant insert (org_id, name, description, created_by) on table public.playlists to authenticated;
-- updated_at: adding a clip touches the playlist so lists sort by last change.
grant update (name, description, updated_at) on table public.playlists to authenticated;
select private.add_org_policies('playlists',
  p_select => 'Members can read their organization''s playlists',
  p_insert => 'Staff can create playlists', p_update => 'Staff can rename playlists',
  p_delete => 'Staff can delete playlists');
select private.add_platform_admin_policies('playlists');

create table public.playlist_segments (
  playlist_id uuid not null,
  segment_id uuid not null,
  org_id uuid not null,
  position int not null default 0,
  primary key (playlist_id, segment_id),
  constraint playlist_segments_playlist_fkey foreign key (playlist_id, org_id)
    references public.playlists (id, org_id) on delete cascade,
  constraint playlist_segments_segment_fkey foreign key (segment_id, org_id)
    references public.segments (id, org_id) on delete cascade
);
comment on table public.playlist_segments is 'The clips of a playlist, in order.';
create index playlist_segments_segment_id_idx on public.playlist_segments (segment_id);
select private.guard_org_table('playlist_segments', p_stamp_updated_at => false);
grant select, delete on table public.playlist_segments to authenticated;
grant insert (playlist_id, segment_id, org_id, position) on table public.playlist_segments to authenticated;
grant update (position) on table public.playlist_segments to authenticated;
select private.add_org_policies('playlist_segments',
  p_select => 'Members can read their organization''s playlist segments',
  p_insert => 'Staff can add playlist segments', p_update => 'Staff can reorder playlist segments',
  p_delete => 'Staff can remove playlist segments');
select private.add_platform_admin_policies('playlist_segments');

create table public.playlist_tags (
  playlist_id uuid not null,
  org_id uuid not null,
  tag text not null constraint playlist_tags_tag_length check (char_length(btrim(tag)) between 1 and 40),
  primary key (playlist_id, tag),
  constraint playlist_tags_playlist_fkey foreign key (playlist_id, org_id)
    references public.playlists (id, org_id) on delete cascade
);
comment on table public.playlist_tags is 'Free-text tags on playlists.';
create index playlist_tags_org_tag_idx on public.playlist_tags (org_id, tag);
select private.guard_org_table('playlist_tags', p_stamp_updated_at => false, p_index_org_id => false);
grant select, delete on table public.playlist_tags to authenticated;
grant insert (playlist_id, org_id, tag) on table public.playlist_tags to authenticated;
select private.add_org_policies('playlist_tags',
  p_select => 'Members can read their organization''s playlist tags',
  p_insert => 'Staff can add playlist tags', p_update => 'Staff can update playlist tags',
  p_delete => 'Staff can remove playlist tags');
select private.add_platform_admin_policies('playlist_tags');

-- Viewing sessions -------------------------------------------------------------------------------
-- Why: what a player watched feeds assignment completion (FEED-2) and engagement stats.
create table public.viewing_sessions (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  user_id uuid not null,
  media_asset_id uuid not null,
  segment_id uuid,
  assignment_id uuid,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  watched_seconds real not null default 0 constraint viewing_sessions_watched_nonneg check (watched_seconds >= 0),
  constraint viewing_sessions_member_fkey foreign key (org_id, user_id)
    references public.org_members (org_id, user_id) on delete cascade,
  constraint viewing_sessions_media_fkey foreign key (media_asset_id, org_id)
    references public.media_assets (id, org_id) on delete cascade,
  constraint viewing_sessions_segment_fkey foreign key (segment_id, org_id)
    references public.segments (id, org_id) on delete set null (segment_id),
  constraint viewing_sessions_assignment_fkey foreign key (assignment_id, org_id)
    references public.assignments (id, org_id) on delete set null (assignment_id)
);
comment on table public.viewing_sessions is 'Playback sessions per viewer, for completion and engagement.';
create index viewing_sessions_user_started_idx on public.viewing_sessions (user_id, started_at desc);
create index viewing_sessions_org_started_idx on public.viewing_sessions (org_id, started_at desc);
create index viewing_sessions_media_asset_id_idx on public.viewing_sessions (media_asset_id);
create index viewing_sessions_segment_id_idx on public.viewing_sessions (segment_id);
create index viewing_sessions_assignment_id_idx on public.viewing_sessions (assignment_id);
select private.guard_org_table('viewing_sessions', p_stamp_updated_at => false, p_index_org_id => false);
grant select on table public.viewing_sessions to authenticated;
grant insert (org_id, user_id, media_asset_id, segment_id, assignment_id)
  on table public.viewing_sessions to authenticated;
grant update (watched_seconds, ended_at) on table public.viewing_sessions to authenticated;
create policy "Viewers can read their own sessions" on public.viewing_sessions
  for select to authenticated using (user_id = (select auth.uid()));
select private.add_org_policies('viewing_sessions',
  p_select => 'Staff can read their organization''s sessions', p_reader => 'staff');
create policy "Members can record their own sessions" on public.viewing_sessions
  for insert to authenticated
  with check (user_id = (select auth.uid()) and org_id in (select private.my_org_ids()));
create policy "Viewers can update their own sessions" on public.viewing_sessions
  for update to authenticated
  using (user_id = (select auth.uid()) and org_id in (select private.my_org_ids()))
  with check (user_id = (select auth.uid()) and org_id in (select private.my_org_ids()));
select private.add_platform_admin_policies('viewing_sessions');

-- Compute devices --------------------------------------------------------------------------------
-- Why: worker heartbeats let admins see online / degraded / offline workers (TX-7). Written by the
-- service connection only.
create table public.compute_devices (
  id text primary key constraint compute_devices_id_length check (char_length(id) between 1 and 120),
  hostname text,
  kind text not null default 'cpu' constraint compute_devices_kind check (kind in ('cpu', 'gpu')),
  gpu_name text,
  encoder text,
  status public.device_status not null default 'online',
  current_job_id uuid references public.jobs (id) on delete set null,
  version text,
  metadata jsonb not null default '{}'::jsonb,
  last_heartbeat_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.compute_devices is 'Transcode workers and their last heartbeat.';
create index compute_devices_heartbeat_idx on public.compute_devices (last_heartbeat_at desc);
create index compute_devices_current_job_id_idx on public.compute_devices (current_job_id);
create trigger compute_devices_set_updated_at before update on public.compute_devices
  for each row execute function private.set_updated_at();
alter table public.compute_devices enable row level security;
-- Heartbeats come from the worker's own connection; admins only read them.
revoke all on table public.compute_devices from anon, authenticated, service_role;
grant select on table public.compute_devices to authenticated;
create policy "Platform admins can read compute devices" on public.compute_devices
  for select to authenticated using ((select private.is_platform_admin()));
create policy "Platform admins can delete compute devices" on public.compute_devices
  for delete to authenticated using ((select private.is_platform_admin()));

-- A device is offline when it has been silent for 60 s, whatever it last reported.
create function private.device_status(p_status public.device_status, p_last_heartbeat_at timestamptz)
returns public.device_status
language sql stable
set search_path = ''
as $$
  select case when p_last_heartbeat_at < now() - interval '60 seconds' then 'offline'::public.device_status
              else p_status end
$$;
revoke all on function private.device_status(public.device_status, timestamptz) from public;
grant execute on function private.device_status(public.device_status, timestamptz) to authenticated;

-- Storage cleanup queue --------------------------------------------------------------------------
-- Why: deleting an asset row must never orphan its stored objects; the row's delete enqueues its
-- prefix and a worker removes the objects (retrying), even when the org itself was deleted.
create table public.storage_cleanup_queue (
  id bigint generated always as identity primary key,
  org_id uuid,
  media_asset_id uuid,
  prefix text not null constraint storage_cleanup_queue_prefix_scoped check (prefix ~ '^orgs/[0-9a-f-]{36}/'),
  reason text not null default 'media_deleted',
  attempts int not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  processed_at timestamptz
);
comment on table public.storage_cleanup_queue is 'Object-storage prefixes waiting to be deleted.';
create index storage_cleanup_queue_pending_idx on public.storage_cleanup_queue (created_at) where processed_at is null;
alter table public.storage_cleanup_queue enable row level security;
-- Written by the delete trigger and the service's cleanup steps only (the sequence too).
revoke all on table public.storage_cleanup_queue from anon, authenticated, service_role;
revoke all on sequence public.storage_cleanup_queue_id_seq from anon, authenticated, service_role;
create policy "Platform admins can read the storage cleanup queue" on public.storage_cleanup_queue
  for select to authenticated using ((select private.is_platform_admin()));

create function private.enqueue_media_cleanup()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.storage_cleanup_queue (org_id, media_asset_id, prefix)
  values (old.org_id, old.id, 'orgs/' || old.org_id::text || '/media/' || old.id::text || '/');
  return null;
end
$$;
revoke all on function private.enqueue_media_cleanup() from public, anon, authenticated;
create trigger media_assets_enqueue_cleanup after delete on public.media_assets
  for each row execute function private.enqueue_media_cleanup();

-- Waitlist ---------------------------------------------------------------------------------------
-- Why: the public form writes here (anon may insert only); a duplicate email is a unique
-- violation the function turns into its "already on the list" message (WL-1).
create table public.waitlist (
  id uuid primary key default gen_random_uuid(),
  email text not null constraint waitlist_email_format check (email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$' and char_length(email) <= 254),
  name text constraint waitlist_name_length check (char_length(name) <= 120),
  organization text constraint waitlist_organization_length check (char_length(organization) <= 120),
  role text constraint waitlist_role_length check (char_length(role) <= 60),
  message text constraint waitlist_message_length check (char_length(message) <= 2000),
  confirmed_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.waitlist is 'People waiting for access, from the public waitlist form.';
create unique index waitlist_email_key on public.waitlist (lower(email));
alter table public.waitlist enable row level security;
-- The public form inserts as anon (and reads nothing back: a duplicate is a unique violation).
revoke all on table public.waitlist from anon, authenticated, service_role;
grant insert (email, name, organization, role, message) on table public.waitlist to anon;
create policy "Visitors can join the waitlist" on public.waitlist
  for insert to anon with check (confirmed_at is null);
create policy "Signed-in users can join the waitlist" on public.waitlist
  for insert to authenticated with check (confirmed_at is null);
create policy "Platform admins can read the waitlist" on public.waitlist
  for select to authenticated using ((select private.is_platform_admin()));
create policy "Platform admins can update the waitlist" on public.waitlist
  for update to authenticated using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()));
create policy "Platform admins can delete waitlist entries" on public.waitlist
  for delete to authenticated using ((select private.is_platform_admin()));
