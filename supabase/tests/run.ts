// pgTAP runner on PGlite: one in-memory database with the bootstrap and all migrations, then every
// `supabase/tests/*.test.sql` (each wrapped in its own begin … rollback) and every
// `*.test.ts` (Node tests that need several connections). Prints TAP and ends with
// `db: N passed, N failed`; exits non-zero on any failure. A file that errors counts as failed.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createDatabase, testsDir } from './db.ts'

interface Counts {
  passed: number
  failed: number
}

const only = process.argv.slice(2)
const selected = (f: string) => only.length === 0 || only.some((o) => f.includes(o))

/** Counts TAP result lines; a plan mismatch reported by finish() counts as one failure. */
export function countTap(lines: string[]): Counts {
  let passed = 0
  let failed = 0
  for (const line of lines) {
    if (/^\s*ok \d+/.test(line)) passed++
    else if (/^\s*not ok \d+/.test(line)) failed++
    else if (/^# Looks like you planned \d+ tests? but ran \d+/.test(line)) failed++
  }
  return { passed, failed }
}

const total: Counts = { passed: 0, failed: 0 }
const db = await createDatabase()
await db.exec(readFileSync(join(testsDir, 'helpers.sql'), 'utf8'))

const sqlFiles = readdirSync(testsDir)
  .filter((f) => f.endsWith('.test.sql') && selected(f))
  .sort()
for (const file of sqlFiles) {
  console.log(`# ${file}`)
  const lines: string[] = []
  try {
    const results = await db.exec(readFileSync(join(testsDir, file), 'utf8'))
    for (const result of results) {
      for (const row of result.rows) {
        for (const value of Object.values(row))
          if (typeof value === 'string') lines.push(...value.split('\n'))
      }
    }
  } catch (error) {
    lines.push(`not ok - ${file} errored: ${(error as Error).message}`)
    total.failed++
    await db.exec('rollback').catch(() => undefined)
  }
  for (const line of lines) console.log(line)
  const counts = countTap(lines)
  total.passed += counts.passed
  total.failed += counts.failed
  if (counts.passed + counts.failed === 0 && !lines.some((l) => l.startsWith('not ok'))) {
    console.log(`not ok - ${file} produced no assertions`)
    total.failed++
  }
}
await db.close()

const tsFiles = readdirSync(testsDir)
  .filter((f) => f.endsWith('.test.ts') && selected(f))
  .sort()
for (const file of tsFiles) {
  console.log(`# ${file}`)
  try {
    const mod = (await import(pathToFileURL(join(testsDir, file)).href)) as {
      default: () => Promise<string[]>
    }
    const lines = await mod.default()
    for (const line of lines) console.log(line)
    const counts = countTap(lines)
    total.passed += counts.passed
    total.failed += counts.failed
  } catch (error) {
    console.log(`not ok - ${file} errored: ${(error as Error).stack ?? String(error)}`)
    total.failed++
  }
}

console.log(`db: ${total.passed} passed, ${total.failed} failed`)
process.exit(total.failed > 0 ? 1 : 0)
