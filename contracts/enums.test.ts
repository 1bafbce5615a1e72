// The enum lists agree with the database: the real migrations on PGlite, then each list compared
// with `enum_range()` of its type, in order (the order is the type's sort order).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PGlite } from '@electric-sql/pglite'
import { createDatabase } from '../supabase/tests/db.ts'
import * as enums from './enums.ts'

// Every exported list and the database type it mirrors; a list without a type fails below.
const typeOf: Record<string, string> = {
  PLATFORM_ROLES: 'platform_role',
  ORG_ROLES: 'org_role',
  ORG_TYPES: 'org_type',
  ORG_VISIBILITIES: 'org_visibility',
  ORG_REQUEST_STATUSES: 'org_request_status',
  MEDIA_KINDS: 'media_kind',
  MEDIA_STATUSES: 'media_status',
  JOB_STATES: 'job_state',
  JOB_TYPES: 'job_type',
  CONTENT_SOURCES: 'content_source',
  TAG_TYPES: 'tag_type',
  SUGGESTION_STATUSES: 'suggestion_status',
  INTELLIGENCE_LEVELS: 'intelligence_level',
  ASSIGNMENT_TARGET_TYPES: 'assignment_target_type',
  DEVICE_STATUSES: 'device_status',
}

let db: PGlite

beforeAll(async () => {
  db = await createDatabase()
}, 120_000)

afterAll(async () => {
  await db?.close()
})

async function enumRange(type: string): Promise<string[]> {
  const { rows } = await db.query<{ value: string }>(
    `select unnest(enum_range(null::public.${type}))::text as value`,
  )
  return rows.map((r) => r.value)
}

describe('contracts/enums.ts', () => {
  it('names a database type for every list it exports', () => {
    expect(Object.keys(enums).sort()).toEqual(Object.keys(typeOf).sort())
  })

  it.each(Object.entries(typeOf))('%s equals enum_range(null::public.%s)', async (name, type) => {
    const list = (enums as unknown as Record<string, readonly string[]>)[name]
    expect([...list!]).toEqual(await enumRange(type))
  })

  it('covers every enum type in public', async () => {
    const { rows } = await db.query<{ name: string }>(
      `select t.typname::text as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = 'public' and t.typtype = 'e' order by 1`,
    )
    expect(rows.map((r) => r.name)).toEqual(Object.values(typeOf).sort())
  })
})
