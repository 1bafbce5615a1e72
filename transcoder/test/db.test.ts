// The database adapter against the real database: every value travels as a bound parameter, so
// no input can end a literal or change the statement (what hand escaping used to promise), and the
// worker may write only the asset columns it owns.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from './support/platform'

let platform: TestPlatform

beforeAll(async () => {
  platform = await startTestPlatform()
})

afterAll(async () => {
  await platform?.stop()
})

const roundTrip = async (value: unknown, type: string) => {
  const rows = await platform.db.query<{ v: unknown }>(`select $1::${type} as v`, [value])
  return rows[0]!.v
}

describe('bound parameters', () => {
  it('carries strings as data: no input can end the literal', async () => {
    for (const text of ["O'Brien", 'a\\', "x\\'; drop table jobs; --", "E'\\\\'"]) {
      expect(await roundTrip(text, 'text')).toBe(text)
    }
    const [jobs] = await platform.db.query<{ n: number }>(
      'select count(*)::int as n from public.jobs',
    )
    expect(jobs!.n).toBeGreaterThanOrEqual(0)
    // Postgres text cannot hold NUL: refused, never truncated.
    await expect(roundTrip('nul\0byte', 'text')).rejects.toThrow()
  })

  it('carries numbers, booleans, nulls, dates and json', async () => {
    expect(await roundTrip(0.25, 'float8')).toBe(0.25)
    expect(await roundTrip(true, 'boolean')).toBe(true)
    expect(await roundTrip(null, 'text')).toBeNull()
    const at = new Date('2026-01-02T03:04:05Z')
    expect(((await roundTrip(at, 'timestamptz')) as Date).toISOString()).toBe(at.toISOString())
    expect(await roundTrip([{ name: "it's" }], 'jsonb')).toEqual([{ name: "it's" }])
  })

  it('refuses a statement whose placeholders the parameters do not fill', async () => {
    await expect(platform.db.query('select $3::int', [1])).rejects.toThrow()
  })

  it('writes only media_assets columns the worker owns', async () => {
    const upload = await platform.createUpload(await writeSource())
    const job = await platform.db.claim(upload.jobId, 'db-test', 30)
    expect(job?.id).toBe(upload.jobId)
    await expect(
      platform.db.updateAsset(upload.jobId, 'db-test', { org_id: 'x' } as never),
    ).rejects.toMatchObject({ detail: expect.stringMatching(/not written by the worker/) })
    expect(await platform.db.updateAsset(upload.jobId, 'db-test', { progress: 0.5 })).toBe(true)
    expect(await platform.db.updateAsset(upload.jobId, 'someone-else', { progress: 0.9 })).toBe(
      false,
    )
    const [asset] = await platform.db.query<{ progress: number }>(
      'select progress from public.media_assets where id = $1',
      [upload.assetId],
    )
    expect(asset!.progress).toBe(0.5)
  })
})

async function writeSource(): Promise<string> {
  const file = join(platform.dir, 'db-test.mp4')
  await writeFile(file, 'not really a video')
  return file
}
