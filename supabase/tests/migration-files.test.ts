// The migration files as `supabase db push` and a reader see them. Nothing has been released, so
// (CONVENTIONS: reshape migrations freely until the first release) each schema object is defined
// once, in the migration that creates it: a later file that redefines or drops a function, trigger,
// policy, view, table, type or index leaves superseded code behind, and fails here. Once a release
// has shipped, migrations are never edited and a change is a new file; this check then gives way
// to one that allows `create or replace` in files newer than the release.
// Run by run.ts; returns TAP lines.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrationsDir } from './db.ts'
import { definedObjects } from './sql-objects.ts'

interface Place {
  file: string
  line: number
  verb: string
}

/** Identities defined more than once (in one file or several), with where. */
export function redefinitions(files: { file: string; sql: string }[]): Map<string, Place[]> {
  const places = new Map<string, Place[]>()
  for (const { file, sql } of files) {
    for (const o of definedObjects(sql)) {
      places.set(o.identity, [
        ...(places.get(o.identity) ?? []),
        { file, line: o.line, verb: o.verb },
      ])
    }
  }
  return new Map([...places].filter(([, at]) => at.length > 1))
}

export default function migrationFilesTest(): Promise<string[]> {
  const lines: string[] = []
  const ok = (pass: boolean, description: string, detail: string[] = []) => {
    lines.push(`${pass ? 'ok' : 'not ok'} ${lines.length + 1} - ${description}`)
    if (!pass) lines.push(...detail.map((d) => `#   ${d}`))
  }

  // The parser itself, on a file that redefines one overload and mentions others only in a
  // comment, a string and a function body.
  const sample = redefinitions([
    {
      file: 'a.sql',
      sql: `create function private.f(p_a int) returns int language sql as $$ select 1 $$;
        create function private.f(p_a text, p_b int default 2) returns int language sql as $$ select 1 $$;
        create policy "Members can read their org's rows" on public.t for select using (true);
        -- create function private.g() in a comment
        create function private.h() returns void language plpgsql as $body$
        begin execute format('create policy %I on public.%I', 'x', 'y'); end $body$;
        select 'create trigger t on public.t';`,
    },
    {
      file: 'b.sql',
      sql: `create or replace function private.f(p_a integer) returns int language sql as 'select 2';
        create policy "Members can read their org's rows" on public.u for select using (true);
        drop function private.h();`,
    },
  ])
  ok(
    [...sample.keys()].sort().join('; ') === 'function private.f(integer); function private.h()',
    'the check finds a function redefined or dropped in another file, by name and argument types',
    [...sample.keys()],
  )

  const files = readdirSync(migrationsDir).sort()
  const misnamed = files.filter((f) => !/^\d{14}_[a-z0-9_]+\.sql$/.test(f))
  ok(
    misnamed.length === 0,
    'every file in supabase/migrations is <14-digit version>_<snake_case>.sql, as db push reads them',
    misnamed,
  )
  const versions = files.map((f) => f.slice(0, 14))
  ok(
    new Set(versions).size === versions.length,
    'every migration has its own version',
    versions.filter((v, i) => versions.indexOf(v) !== i),
  )

  const found = redefinitions(
    files.map((file) => ({ file, sql: readFileSync(join(migrationsDir, file), 'utf8') })),
  )
  const report = (kind: string) =>
    [...found]
      .filter(([identity]) => identity.startsWith(`${kind} `))
      .map(
        ([identity, at]) =>
          `${identity}: ${at.map((p) => `${p.verb} at ${p.file}:${p.line}`).join(', ')}`,
      )
  for (const kind of [
    'function',
    'procedure',
    'trigger',
    'policy',
    'view',
    'table',
    'type',
    'index',
  ]) {
    const twice = report(kind)
    ok(twice.length === 0, `no ${kind} is defined twice across the migrations`, twice)
  }
  lines.unshift(`1..${lines.filter((l) => /^(not )?ok /.test(l)).length}`)
  return Promise.resolve(lines)
}
