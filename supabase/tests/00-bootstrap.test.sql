-- The local Supabase bootstrap and the identity helpers behave like Supabase.
begin;
select plan(9);

select has_role('anon');
select has_role('authenticated');
select has_role('service_role');
select ok((select rolbypassrls from pg_roles where rolname = 'service_role'), 'service_role bypasses RLS');

select tests.create_supabase_user('boot_user');
select is(
  (select username from public.profiles where id = tests.get_supabase_uid('boot_user')),
  'boot_user',
  'the auth trigger creates a profile from raw_user_meta_data.username'
);

select tests.authenticate_as('boot_user');
select is(auth.uid(), tests.get_supabase_uid('boot_user'), 'auth.uid() reads request.jwt.claims.sub');
select is(auth.role(), 'authenticated', 'auth.role() reads request.jwt.claims.role');
select is(current_user::text, 'authenticated', 'authenticate_as switches the database role');
select tests.clear_authentication();
select is(auth.uid(), null, 'anon has no uid');

select * from finish();
rollback;
