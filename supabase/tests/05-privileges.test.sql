-- PROD-1: the privileges of the API roles, read from the catalog and compared with the list below,
-- which is what supabase/functions does as the caller (20250101000000_foundation.sql explains the
-- rule). A new table, column grant, sequence, function or schema grant that is not listed here
-- fails this file, and so does a listed one that went missing.
-- Row format: table, role, privilege, '*' for the whole table or the granted columns (sorted).
-- Privileges are effective ones (has_*_privilege: PUBLIC and role membership count), over every
-- relation, sequence and function in public and private except extension members (pgTAP lives in
-- public here), partitions included.
begin;
select plan(15);

create temp table expected_table_privileges (tbl text, role text, privilege text, cols text);
insert into expected_table_privileges values
  ('assignment_progress', 'authenticated', 'select', '*'),
  ('assignment_segments', 'authenticated', 'insert', 'assignment_id,org_id,position,segment_id'),
  ('assignment_segments', 'authenticated', 'select', '*'),
  ('assignment_targets', 'authenticated', 'insert', 'assignment_id,group_id,org_id,target_type,user_id'),
  ('assignment_targets', 'authenticated', 'select', '*'),
  ('assignments', 'authenticated', 'delete', '*'),
  ('assignments', 'authenticated', 'insert', 'created_by,description,due_at,org_id,title'),
  ('assignments', 'authenticated', 'select', '*'),
  ('compute_devices', 'authenticated', 'select', '*'),
  ('group_members', 'authenticated', 'delete', '*'),
  ('group_members', 'authenticated', 'insert', 'group_id,org_id,user_id'),
  ('group_members', 'authenticated', 'select', '*'),
  ('groups', 'authenticated', 'delete', '*'),
  ('groups', 'authenticated', 'insert', 'created_by,description,name,org_id'),
  ('groups', 'authenticated', 'select', '*'),
  ('groups', 'authenticated', 'update', 'description,name'),
  ('jobs', 'authenticated', 'insert', 'created_by,idempotency_key,media_asset_id,org_id,payload,type'),
  ('jobs', 'authenticated', 'select', '*'),
  ('match_intelligence', 'authenticated', 'select', '*'),
  ('match_stats', 'authenticated', 'select', '*'),
  ('media_assets', 'authenticated', 'delete', '*'),
  ('media_assets', 'authenticated', 'insert',
   'content_type,file_name,id,kind,name,org_id,original_key,size_bytes,storage_prefix,upload_id,uploaded_by'),
  ('media_assets', 'authenticated', 'select', '*'),
  ('media_assets', 'authenticated', 'update', 'kind,name'),
  ('narrations', 'authenticated', 'delete', '*'),
  ('narrations', 'authenticated', 'insert',
   'audio_duration_seconds,audio_key,author_id,end_seconds,id,input_type,language,media_asset_id,'
   'org_id,raw_transcript,segment_id,start_seconds,transcription_status'),
  ('narrations', 'authenticated', 'select', '*'),
  ('narrations', 'authenticated', 'update',
   'clean_transcript,embedding,embedding_model,raw_transcript,transcription_error,transcription_status'),
  ('org_members', 'authenticated', 'insert', 'org_id,role,user_id'),
  ('org_members', 'authenticated', 'select', '*'),
  ('org_requests', 'authenticated', 'insert', 'message,name,requested_by,type'),
  ('org_requests', 'authenticated', 'select', '*'),
  ('org_storage_usage', 'authenticated', 'select', '*'),
  ('organizations', 'authenticated', 'delete', '*'),
  ('organizations', 'authenticated', 'select', '*'),
  ('organizations', 'authenticated', 'update', 'bio,name,slug,storage_limit_bytes,type,visibility'),
  ('playlist_segments', 'authenticated', 'delete', '*'),
  ('playlist_segments', 'authenticated', 'insert', 'org_id,playlist_id,position,segment_id'),
  ('playlist_segments', 'authenticated', 'select', '*'),
  ('playlist_segments', 'authenticated', 'update', 'position'),
  ('playlist_tags', 'authenticated', 'delete', '*'),
  ('playlist_tags', 'authenticated', 'insert', 'org_id,playlist_id,tag'),
  ('playlist_tags', 'authenticated', 'select', '*'),
  ('playlists', 'authenticated', 'delete', '*'),
  ('playlists', 'authenticated', 'insert', 'created_by,description,name,org_id'),
  ('playlists', 'authenticated', 'select', '*'),
  ('playlists', 'authenticated', 'update', 'description,name,updated_at'),
  ('profiles', 'authenticated', 'select', '*'),
  ('profiles', 'authenticated', 'update', 'name,platform_role,primary_org_id,username'),
  ('segment_insights', 'authenticated', 'select', '*'),
  ('segment_tags', 'authenticated', 'delete', '*'),
  ('segment_tags', 'authenticated', 'insert',
   'created_by,org_id,segment_id,source,tag_key,tag_type,tagged_user_id'),
  ('segment_tags', 'authenticated', 'select', '*'),
  ('segments', 'authenticated', 'delete', '*'),
  ('segments', 'authenticated', 'insert',
   'created_by,end_seconds,media_asset_id,org_id,source,start_seconds,title'),
  ('segments', 'authenticated', 'select', '*'),
  ('segments', 'authenticated', 'update', 'end_seconds,start_seconds,title'),
  ('tag_suggestions', 'authenticated', 'insert',
   'confidence,org_id,segment_id,tag_key,tag_type,taxonomy_version'),
  ('tag_suggestions', 'authenticated', 'select', '*'),
  ('tag_suggestions', 'authenticated', 'update', 'decided_at,decided_by,status'),
  ('tag_taxonomy_versions', 'authenticated', 'select', '*'),
  ('taxonomy_tags', 'authenticated', 'select', '*'),
  ('viewing_sessions', 'authenticated', 'insert', 'assignment_id,media_asset_id,org_id,segment_id,user_id'),
  ('viewing_sessions', 'authenticated', 'select', '*'),
  ('viewing_sessions', 'authenticated', 'update', 'ended_at,watched_seconds'),
  ('waitlist', 'anon', 'insert', 'email,message,name,organization,role');

-- The same shape from the catalog. Column privileges exist for select, insert, update and
-- references only; a table-wide grant is reported once as '*'.
create temp view actual_table_privileges as
with roles (role) as (values ('anon'), ('authenticated'), ('service_role')),
privileges (privilege) as (
  values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('REFERENCES'), ('TRIGGER'),
         ('MAINTAIN')
),
relations as (
  select c.oid, c.relname::text as tbl
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname in ('public', 'private') and c.relkind in ('r', 'p', 'v', 'm', 'f')
     and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                       and d.objid = c.oid and d.deptype = 'e')
)
select r.tbl, roles.role, lower(p.privilege) as privilege,
       case when has_table_privilege(roles.role, r.oid, p.privilege) then '*'
       else (select string_agg(a.attname::text, ',' order by a.attname)
               from pg_attribute a
              where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
                and has_column_privilege(roles.role, r.oid, a.attnum, p.privilege)) end as cols
  from relations r cross join roles cross join privileges p
 where has_table_privilege(roles.role, r.oid, p.privilege)
    or (p.privilege in ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
        and has_any_column_privilege(roles.role, r.oid, p.privilege));

select is(
  (select array_agg(format('%s: %s %s (%s)', tbl, role, privilege, cols) order by format('%s: %s %s (%s)', tbl, role, privilege, cols))
     from (select * from actual_table_privileges except select * from expected_table_privileges) x),
  null,
  'no API role holds a table privilege the list does not name'
);
select is(
  (select array_agg(format('%s: %s %s (%s)', tbl, role, privilege, cols) order by format('%s: %s %s (%s)', tbl, role, privilege, cols))
     from (select * from expected_table_privileges except select * from actual_table_privileges) x),
  null,
  'every listed table privilege is granted'
);
select is(
  (select count(*)::int from actual_table_privileges where role = 'service_role'),
  0,
  'service_role holds nothing: no code runs as it (privileged steps and the worker are postgres)'
);

-- Sequences: none is reachable (storage_cleanup_queue's identity is advanced by its inserts only).
select is(
  (select array_agg(format('%s: %s %s', c.relname, r.role, p.privilege) order by format('%s: %s %s', c.relname, r.role, p.privilege))
     from pg_class c join pg_namespace n on n.oid = c.relnamespace,
          (values ('anon'), ('authenticated'), ('service_role')) r (role),
          (values ('USAGE'), ('SELECT'), ('UPDATE')) p (privilege)
    where n.nspname in ('public', 'private') and c.relkind = 'S'
      and has_sequence_privilege(r.role, c.oid, p.privilege)),
  null,
  'no API role may use, read or set a sequence'
);

-- Functions: what the calls in supabase/functions, the policies, the invoker functions and the
-- triggers that run as the caller need; the worker's job functions and the definers' own helpers
-- are executable by nobody but postgres.
create temp table expected_function_privileges (fn text, role text);
insert into expected_function_privileges
select fn, 'authenticated' from (values
  ('private.any_lexeme_query(text)'),
  ('private.approve_org_request(uuid,text)'),
  ('private.change_member_role(uuid,uuid,org_role)'),
  ('private.check_search(uuid,boolean,integer)'),
  ('private.complete_upload(uuid)'),
  ('private.create_organization(text,org_type,uuid,text,org_visibility,text,bigint)'),
  ('private.device_status(device_status,timestamp with time zone)'),
  ('private.has_org_role(uuid,org_role)'),
  ('private.init_assignment_progress(uuid)'),
  ('private.is_end_user()'),
  ('private.is_org_member(uuid)'),
  ('private.is_platform_admin()'),
  ('private.is_platform_moderator()'),
  ('private.join_org_by_code(text)'),
  ('private.leave_org(uuid)'),
  ('private.match_coverage(uuid)'),
  ('private.match_overview(uuid,integer)'),
  ('private.media_version(uuid)'),
  ('private.my_assignment_ids()'),
  ('private.my_org_ids()'),
  ('private.my_org_ids(org_role)'),
  ('private.org_role_of(uuid)'),
  ('private.org_stats(uuid)'),
  ('private.record_segment_watch(uuid,uuid,real)'),
  ('private.refresh_join_code(uuid)'),
  ('private.reject_org_request(uuid,text)'),
  ('private.remove_member(uuid,uuid)'),
  ('private.role_rank(org_role)'),
  ('private.rrf_fuse(private.rrf_candidate[],integer,integer,boolean)'),
  ('private.search_knowledge(uuid,text,extensions.halfvec,uuid,integer,integer,integer)'),
  ('private.search_narrations(uuid,text,extensions.halfvec,uuid,integer,integer,integer)'),
  ('private.shares_org_with(uuid)'),
  ('private.transfer_ownership(uuid,uuid)'),
  ('private.uuid_v7(timestamp with time zone)'),
  ('private.uuid_v7_time(uuid)')
) f (fn);

create temp view actual_function_privileges as
select p.oid::regprocedure::text as fn, r.role
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
       (values ('anon'), ('authenticated'), ('service_role')) r (role)
 where n.nspname in ('public', 'private')
   and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass
                     and d.objid = p.oid and d.deptype = 'e')
   and has_function_privilege(r.role, p.oid, 'EXECUTE');

select is(
  (select array_agg(format('%s: %s', fn, role) order by format('%s: %s', fn, role))
     from (select * from actual_function_privileges except select * from expected_function_privileges) x),
  null,
  'no API role may execute a function the list does not name'
);
select is(
  (select array_agg(format('%s: %s', fn, role) order by format('%s: %s', fn, role))
     from (select * from expected_function_privileges except select * from actual_function_privileges) x),
  null,
  'every listed function is executable'
);

-- Types: the private ones are built by the invoker functions, never used in a definition of theirs.
select is(
  (select array_agg(format('%s: %s', t.oid::regtype, r.role) order by format('%s: %s', t.oid::regtype, r.role))
     from pg_type t join pg_namespace n on n.oid = t.typnamespace,
          (values ('anon'), ('authenticated'), ('service_role')) r (role)
    where n.nspname = 'private' and t.typtype in ('c', 'd', 'e') and t.typarray <> 0
      and (t.typrelid = 0 or (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c')
      and has_type_privilege(r.role, t.oid, 'USAGE')),
  null,
  'no API role may use a private type in a definition'
);

select is(
  (select array_agg(format('%s: %s %s', s.nsp, r.role, p.privilege) order by format('%s: %s %s', s.nsp, r.role, p.privilege))
     from (values ('public'), ('private')) s (nsp),
          (values ('anon'), ('authenticated'), ('service_role')) r (role),
          (values ('USAGE'), ('CREATE')) p (privilege)
    where has_schema_privilege(r.role, s.nsp, p.privilege)),
  array['private: authenticated USAGE', 'public: anon USAGE', 'public: authenticated USAGE',
        'public: service_role USAGE'],
  'schemas: public is usable as on Supabase, private by authenticated only, neither creatable'
);

-- A table, sequence and function that postgres creates in public now, with no grant of ours,
-- get exactly what a hosted project gives them (local/sql/supabase-bootstrap.sql): nothing the
-- Data API could use. The API roles cannot read or write the table.
create table public.grants_probe (id int primary key, note text);
insert into public.grants_probe values (1, 'kept');
create sequence public.grants_probe_seq;
create function public.grants_probe_fn() returns int language sql as 'select 1';
select is(
  (select relacl::text from pg_class where oid = 'public.grants_probe'::regclass),
  '{postgres=arwdDxtm/postgres,anon=Dxtm/postgres,authenticated=Dxtm/postgres,service_role=Dxtm/postgres}',
  'a new public table keeps only TRUNCATE, REFERENCES, TRIGGER and MAINTAIN for the API roles, as on Supabase'
);
select is(
  (select relacl::text from pg_class where oid = 'public.grants_probe_seq'::regclass),
  '{postgres=rwU/postgres,anon=w/postgres,authenticated=w/postgres,service_role=w/postgres}',
  'a new public sequence keeps only UPDATE for the API roles, as on Supabase'
);
select ok(
  has_function_privilege('anon', 'public.grants_probe_fn()', 'EXECUTE')
    and (select proacl is null from pg_proc where oid = 'public.grants_probe_fn()'::regprocedure),
  'a new public function is executable through PUBLIC (Postgres''s default, which Supabase keeps)'
);

select tests.create_supabase_user('grants_probe_user');
select tests.clear_authentication();
select throws_ok('select * from public.grants_probe', '42501', null,
  'anon cannot read a table nobody granted');
select throws_ok($$insert into public.grants_probe values (2, 'anon')$$, '42501', null,
  'anon cannot write a table nobody granted');
select tests.authenticate_as('grants_probe_user');
select throws_ok('select * from public.grants_probe', '42501', null,
  'authenticated cannot read a table nobody granted');
select throws_ok($$update public.grants_probe set note = 'user'$$, '42501', null,
  'authenticated cannot write a table nobody granted');
select tests.reset_role();

select * from finish();
rollback;
