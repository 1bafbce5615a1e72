-- Demo data for local runs (loaded by the local platform on first start, after migrations).
--
-- Demo users (password `rugbycodex-demo` for all). The local platform normally creates them
-- through the auth emulator first; this file finds them by email. Any that are missing are created
-- here with the fixed ids below (password hashed with bcrypt when pgcrypto is available):
--   admin@rugbycodex.local    00000000-0000-4000-8000-00000000a001  platform admin, no org
--   owner@rugbycodex.local    00000000-0000-4000-8000-00000000a002  owner of demo
--   manager@rugbycodex.local  00000000-0000-4000-8000-00000000a003  manager of demo
--   coach@rugbycodex.local    00000000-0000-4000-8000-00000000a004  staff of demo
--   player@rugbycodex.local   00000000-0000-4000-8000-00000000a005  member of demo
--   player2@rugbycodex.local  00000000-0000-4000-8000-00000000a006  member of demo
-- Org `demo` (id 00000000-0000-4000-8000-0000000000d0), join code RUGBY2DM (refreshed at seed time).
-- Media ids are UUIDv7 (they pick the monthly partition):
--   01a09621-e980-7000-8000-000000000001  match "Demo RFC v Harbour RFC" (80 min)
--   01a10247-7580-7000-8000-000000000002  match "Demo RFC v Valley RFC" (80 min)
--   01a15a93-d440-7000-8000-000000000003  training "Tuesday lineout session" (30 min)
-- Their keys follow docs/contracts.md (orgs/<org>/media/<id>/…); the local platform places the
-- generated demo video's HLS output under them. Safe to run twice.

begin;

-- Users ------------------------------------------------------------------------------------------
do $$
declare
  v_has_crypto boolean := exists (select 1 from pg_extension where extname = 'pgcrypto');
  u record;
begin
  for u in select * from (values
    ('00000000-0000-4000-8000-00000000a001'::uuid, 'admin@rugbycodex.local', 'admin', 'Alex Admin'),
    ('00000000-0000-4000-8000-00000000a002'::uuid, 'owner@rugbycodex.local', 'owner', 'Olivia Owner'),
    ('00000000-0000-4000-8000-00000000a003'::uuid, 'manager@rugbycodex.local', 'manager', 'Max Manager'),
    ('00000000-0000-4000-8000-00000000a004'::uuid, 'coach@rugbycodex.local', 'coach', 'Casey Coach'),
    ('00000000-0000-4000-8000-00000000a005'::uuid, 'player@rugbycodex.local', 'player', 'Pat Player'),
    ('00000000-0000-4000-8000-00000000a006'::uuid, 'player2@rugbycodex.local', 'player2', 'Sam Second')
  ) as t (id, email, username, name) loop
    if not exists (select 1 from auth.users where email = u.email) then
      execute format(
        'insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_user_meta_data, raw_app_meta_data)
         values ($1, ''authenticated'', ''authenticated'', $2, %s, now(), $3, ''{"provider":"email","providers":["email"]}'')',
        case when v_has_crypto then 'extensions.crypt(''rugbycodex-demo'', extensions.gen_salt(''bf''))' else 'null' end)
      using u.id, u.email, jsonb_build_object('username', u.username, 'name', u.name);
    end if;
  end loop;
end
$$;

create temp table demo_users as
select t.key, u.id from (values ('admin', 'admin@rugbycodex.local'), ('owner', 'owner@rugbycodex.local'),
  ('manager', 'manager@rugbycodex.local'), ('coach', 'coach@rugbycodex.local'),
  ('player', 'player@rugbycodex.local'), ('player2', 'player2@rugbycodex.local')) as t (key, email)
join auth.users u on u.email = t.email;

update public.profiles set platform_role = 'admin' where id = (select id from demo_users where key = 'admin');

-- Org and members ---------------------------------------------------------------------------------
insert into public.organizations (id, slug, name, type, visibility, bio, join_code, join_code_set_at, created_by)
values ('00000000-0000-4000-8000-0000000000d0', 'demo', 'Demo RFC', 'team', 'private',
        'The demo club: two matches and a training session, narrated and tagged.', null, null,
        (select id from demo_users where key = 'owner'))
on conflict (id) do nothing;
-- The guard trigger lets the code change only with this transaction-local switch.
set local rugbycodex.join_code_refresh = 'on';
update public.organizations set join_code = 'RUGBY2DM', join_code_set_at = now()
 where id = '00000000-0000-4000-8000-0000000000d0';
insert into public.org_members (org_id, user_id, role)
select '00000000-0000-4000-8000-0000000000d0', d.id, r.role::public.org_role
  from demo_users d join (values ('owner', 'owner'), ('manager', 'manager'), ('coach', 'staff'),
       ('player', 'member'), ('player2', 'member')) as r (key, role) on r.key = d.key
on conflict do nothing;
update public.profiles set primary_org_id = '00000000-0000-4000-8000-0000000000d0'
 where id in (select id from demo_users where key <> 'admin') and primary_org_id is null;

-- Groups -----------------------------------------------------------------------------------------
insert into public.groups (id, org_id, name, description, created_by) values
  ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000d0', 'Forwards', 'Props to number 8', (select id from demo_users where key = 'coach')),
  ('00000000-0000-4000-8000-0000000000e2', '00000000-0000-4000-8000-0000000000d0', 'Backs', 'Scrum-half to full-back', (select id from demo_users where key = 'coach'))
on conflict do nothing;
insert into public.group_members (group_id, org_id, user_id) values
  ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000d0', (select id from demo_users where key = 'player')),
  ('00000000-0000-4000-8000-0000000000e2', '00000000-0000-4000-8000-0000000000d0', (select id from demo_users where key = 'player2'))
on conflict do nothing;

-- Media ------------------------------------------------------------------------------------------
insert into public.media_assets (id, org_id, uploaded_by, name, kind, status, progress, playable, file_name,
  content_type, size_bytes, renditions_bytes, duration_seconds, width, height, storage_prefix, original_key,
  master_playlist_key, renditions, poster_key, storyboard_vtt_key)
select m.id, '00000000-0000-4000-8000-0000000000d0', (select id from demo_users where key = 'coach'), m.name,
       m.kind::public.media_kind, 'complete', 1, true, 'source.mp4', 'video/mp4', 52428800, 31457280, m.duration,
       1280, 720, p, p || 'original/source.mp4', p || 'hls/master.m3u8',
       '[{"name":"360p","width":640,"height":360,"bandwidth":900000,"codecs":"avc1.64001e,mp4a.40.2","playlist":"360p/index.m3u8"},
         {"name":"720p","width":1280,"height":720,"bandwidth":3000000,"codecs":"avc1.64001f,mp4a.40.2","playlist":"720p/index.m3u8"}]'::jsonb,
       p || 'poster.jpg', p || 'storyboard/storyboard.vtt'
  from (values
    ('01a09621-e980-7000-8000-000000000001'::uuid, 'Demo RFC v Harbour RFC', 'match', 4800),
    ('01a10247-7580-7000-8000-000000000002'::uuid, 'Demo RFC v Valley RFC', 'match', 4800),
    ('01a15a93-d440-7000-8000-000000000003'::uuid, 'Tuesday lineout session', 'training', 1800)
  ) as m (id, name, kind, duration),
  lateral (select 'orgs/00000000-0000-4000-8000-0000000000d0/media/' || m.id || '/' as p) k
on conflict do nothing;

-- Segments, narrations and tags --------------------------------------------------------------------
-- Twelve segments per match, every ~6 minutes, each with a narration and tags from the taxonomy.
insert into public.segments (id, org_id, media_asset_id, start_seconds, end_seconds, source, title, created_by)
select ('00000000-0000-4000-9000-' || lpad(to_hex(mi * 100 + g), 12, '0'))::uuid,
       '00000000-0000-4000-8000-0000000000d0', m.id, g * 360 + 30, g * 360 + 52, 'coach',
       (array['Lineout drive', 'Scrum penalty', 'Kick-off chase', 'Counter attack', 'Breakdown turnover',
              'Exit kick', 'Maul try', 'Line break', 'Missed tackle', 'Box kick', 'Restart', 'Red zone attack'])[g + 1],
       (select id from demo_users where key = 'coach')
  from (values (1, '01a09621-e980-7000-8000-000000000001'::uuid), (2, '01a10247-7580-7000-8000-000000000002'::uuid)) as m (mi, id),
       generate_series(0, 11) g
on conflict do nothing;

insert into public.narrations (org_id, media_asset_id, segment_id, author_id, source_type, input_type,
  raw_transcript, clean_transcript, start_seconds, end_seconds)
select s.org_id, s.media_asset_id, s.id, (select id from demo_users where key = case when g % 3 = 0 then 'player' else 'coach' end),
       case when g % 3 = 0 then 'member' else 'staff' end::public.content_source, 'text',
       t.txt, t.txt, s.start_seconds + 4, s.start_seconds + 12
  from public.segments s
  join lateral (select (('x' || substring(s.id::text from 25))::bit(48)::bigint % 100)::int as g) gg on true
  join lateral (select (array[
    'Good lineout drive, the pack stayed low and together',
    'Scrum went down on our put-in; loosehead needs to bind longer',
    'Kick-off chase too flat, wingers must compete in the air',
    'Great counter attack from turnover ball, supported the line break',
    'Jackal at the breakdown won the turnover, quick clearance',
    'Exit kick found touch, solid exit from our 22',
    'Maul set well off the lineout and we scored',
    'Outside centre broke the line on the switch play',
    'Missed tackle in the 12 channel, need better line speed',
    'Box kick too long, chasers could not contest',
    'Restart retained by the forwards, good lift',
    'Patient phase play in the red zone before the try'])[gg.g % 12 + 1] as txt) t on true
 where s.org_id = '00000000-0000-4000-8000-0000000000d0'
   and not exists (select 1 from public.narrations n where n.segment_id = s.id);

insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, created_by)
select s.org_id, s.id, t.type::public.tag_type, t.key, (select id from demo_users where key = 'coach')
  from public.segments s
  join lateral (select (('x' || substring(s.id::text from 25))::bit(48)::bigint % 100)::int % 12 as g) gg on true
  join lateral (values
    ('action', (array['maul', 'penalty', 'kick', 'carry', 'turnover', 'kick', 'try', 'line_break', 'missed_tackle', 'box_kick', 'carry', 'try'])[gg.g + 1]),
    ('context', (array['lineout', 'scrum', 'kickoff', 'counter_attack', 'transition', 'exit', 'lineout', 'phase_play', 'defence', 'exit', 'restart', 'red_zone'])[gg.g + 1])
  ) as t (type, key) on true
 where s.org_id = '00000000-0000-4000-8000-0000000000d0'
on conflict do nothing;

-- Identity tags: the players appear in a few clips each.
insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, tagged_user_id, source, created_by)
select s.org_id, s.id, 'identity', 'player', (select id from demo_users where key = case when s.start_seconds::int % 720 = 30 then 'player' else 'player2' end),
       'staff', (select id from demo_users where key = 'coach')
  from public.segments s
 where s.org_id = '00000000-0000-4000-8000-0000000000d0' and s.start_seconds::int % 1080 < 400
on conflict do nothing;

insert into public.tag_suggestions (org_id, segment_id, tag_type, tag_key, confidence)
select s.org_id, s.id, 'action', 'tackle', 0.62
  from public.segments s where s.org_id = '00000000-0000-4000-8000-0000000000d0' and s.start_seconds::int % 720 = 390
on conflict do nothing;

-- Assignments and playlists ----------------------------------------------------------------------
insert into public.assignments (id, org_id, title, description, due_at, created_by) values
  ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000d0', 'Review our lineout drives',
   'Watch the three drives and note your body height.', now() + interval '3 days', (select id from demo_users where key = 'coach')),
  ('00000000-0000-4000-8000-0000000000f2', '00000000-0000-4000-8000-0000000000d0', 'Backs: exit strategy',
   'Our exits against Valley.', now() + interval '7 days', (select id from demo_users where key = 'coach'))
on conflict do nothing;
insert into public.assignment_targets (assignment_id, org_id, target_type, group_id)
values ('00000000-0000-4000-8000-0000000000f2', '00000000-0000-4000-8000-0000000000d0', 'group', '00000000-0000-4000-8000-0000000000e2')
on conflict do nothing;
insert into public.assignment_targets (assignment_id, org_id, target_type)
values ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000d0', 'team')
on conflict do nothing;
insert into public.assignment_segments (assignment_id, segment_id, org_id, position)
select a, s.id, s.org_id, row_number() over (partition by a order by s.start_seconds)
  from public.segments s,
       lateral (select case when s.title in ('Lineout drive', 'Maul try') then '00000000-0000-4000-8000-0000000000f1'::uuid
                            when s.title = 'Exit kick' then '00000000-0000-4000-8000-0000000000f2'::uuid end as a) x
 where s.org_id = '00000000-0000-4000-8000-0000000000d0' and a is not null
on conflict do nothing;
select private.init_assignment_progress(id) from public.assignments
 where org_id = '00000000-0000-4000-8000-0000000000d0';

insert into public.playlists (id, org_id, name, description, created_by) values
  ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000d0', 'Best tries of the season',
   'Every try, in order.', (select id from demo_users where key = 'coach'))
on conflict do nothing;
insert into public.playlist_segments (playlist_id, segment_id, org_id, position)
select '00000000-0000-4000-8000-0000000000c1', s.id, s.org_id, row_number() over (order by s.media_asset_id, s.start_seconds)
  from public.segments s where s.org_id = '00000000-0000-4000-8000-0000000000d0' and s.title in ('Maul try', 'Red zone attack')
on conflict do nothing;
insert into public.playlist_tags (playlist_id, org_id, tag) values
  ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000d0', 'attack'),
  ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000d0', 'highlights')
on conflict do nothing;

drop table demo_users;

commit;
