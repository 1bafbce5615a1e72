// Database access. Every caller-facing query runs in one transaction as the caller
// (`role authenticated` + `request.jwt.claims`, what PostgREST does) so RLS decides what is
// visible. Privileged steps use `asService` with a name that shows up in logs and reviews.
import postgres from 'postgres'
import type { AuthUser, Claims } from './auth.ts'
import { bounded, cacheBackend } from './cache.ts'
import { env, intEnv, requireEnv } from './env.ts'

export type Sql = postgres.Sql
export type Tx = postgres.TransactionSql

const STATEMENT_TIMEOUT_MS = () => intEnv('DB_STATEMENT_TIMEOUT_MS', 8000)
/** After a user writes, their reads stay on the primary this long (replica lag budget). */
const READ_YOUR_WRITES_MS = () => intEnv('DB_READ_YOUR_WRITES_MS', 5000)

const pools = new Map<string, Sql>()

function pool(url: string): Sql {
  let sql = pools.get(url)
  if (!sql) {
    sql = postgres(url, {
      // The transaction-mode pooler cannot keep named prepared statements across transactions.
      prepare: false,
      max: intEnv('DB_POOL_MAX', 5),
      idle_timeout: 20,
      connect_timeout: 10,
      onnotice: () => {},
      // bigint/numeric come back as strings; callers convert deliberately.
    })
    pools.set(url, sql)
  }
  return sql
}

export function primary(): Sql {
  return pool(requireEnv('SUPABASE_DB_URL'))
}

export function replica(): Sql | undefined {
  const url = env('DATABASE_READ_URL')
  return url ? pool(url) : undefined
}

// Read-your-writes across isolates. A user's write may be served by one function (media) and
// their next read by another (orgs), each in its own isolate, so the "wrote recently" mark must
// live where every isolate can see it:
// - With Redis or Upstash configured, markWrite also sets `ryw:<user>` there (expiring with the
//   window) and readPoolFor checks it, so a write in any isolate sends the user's reads in every
//   isolate to the primary. If the store does not answer in time, reads go to the primary: a
//   slower read, never a stale one.
// - Without one, the mark is this isolate's memory only: a read served by another function (or
//   another isolate of the same one) may go to the replica and miss the write for as long as the
//   replica lags. Configure Upstash wherever DATABASE_READ_URL is set.
// None of this matters without a replica (DATABASE_READ_URL unset): every read is on the primary.
const lastWriteAt = new Map<string, number>()
const markKey = (userId: string) => `ryw:${userId}`

/** Records that `userId` wrote, so their next reads within the window go to the primary. */
export async function markWrite(userId: string | undefined): Promise<void> {
  if (!userId) return
  lastWriteAt.set(userId, Date.now())
  if (lastWriteAt.size > 10_000) {
    const cutoff = Date.now() - READ_YOUR_WRITES_MS()
    for (const [id, at] of lastWriteAt) if (at < cutoff) lastWriteAt.delete(id)
  }
  if (!env('DATABASE_READ_URL')) return
  const store = cacheBackend()
  if (!store.shared) return
  const seconds = Math.max(1, Math.ceil(READ_YOUR_WRITES_MS() / 1000))
  await bounded(() => store.set(markKey(userId), String(Date.now()), seconds))
}

/** Which pool a read for this user goes to; exported for the routing tests. */
export async function readPoolFor(userId: string | undefined): Promise<{
  sql: Sql
  target: 'primary' | 'replica'
}> {
  const rep = replica()
  if (!rep) return { sql: primary(), target: 'primary' }
  const wrote = userId ? lastWriteAt.get(userId) : undefined
  if (wrote !== undefined && Date.now() - wrote < READ_YOUR_WRITES_MS()) {
    return { sql: primary(), target: 'primary' }
  }
  const store = cacheBackend()
  if (userId && store.shared) {
    const mark = await bounded(() => store.get(markKey(userId)))
    // undefined: the store failed or timed out; null: no recent write anywhere.
    if (mark !== null) return { sql: primary(), target: 'primary' }
  }
  return { sql: rep, target: 'replica' }
}

async function enterAs(tx: Tx, role: Role, claims: Claims | null) {
  // One round trip: set_config(..., true) is transaction-local, exactly like SET LOCAL.
  if (role) {
    await tx`select set_config('statement_timeout', ${String(STATEMENT_TIMEOUT_MS())}, true),
                    set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                    set_config('role', ${role}, true)`
  } else {
    await tx`select set_config('statement_timeout', ${String(STATEMENT_TIMEOUT_MS())}, true)`
  }
}

type Role = 'authenticated' | 'anon' | null

/** `fn` in one transaction on `sql`, entered as `role` (null: the service role, no RLS). */
async function transaction<T>(
  sql: Sql,
  access: 'read only' | 'read write',
  role: Role,
  claims: Claims | null,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const body = async (tx: Tx) => {
    await enterAs(tx, role, claims)
    return await fn(tx)
  }
  // Writes take a plain BEGIN: read write is the default.
  const result = await (access === 'read only' ? sql.begin('read only', body) : sql.begin(body))
  return result as T
}

function checkStep(step: string) {
  if (!/^[a-z][a-z0-9-]*$/.test(step)) throw new Error(`asService step must be kebab-case: ${step}`)
}

/** A read/write transaction on the primary as the caller. */
export async function asUser<T>(user: AuthUser, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await transaction(primary(), 'read write', 'authenticated', user.claims, fn)
  await markWrite(user.id)
  return result
}

/** A transaction as the anonymous role: public forms (waitlist), still under RLS. */
export function asAnon<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const claims = { role: 'anon' } as unknown as Claims
  return transaction(primary(), 'read write', 'anon', claims, fn)
}

/** A read-only transaction as the caller; on the replica unless the caller wrote recently. */
export async function readAsUser<T>(user: AuthUser, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { sql } = await readPoolFor(user.id)
  return await transaction(sql, 'read only', 'authenticated', user.claims, fn)
}

/**
 * A privileged transaction on the primary, bypassing RLS. `step` names why it is needed
 * (e.g. 'reserve-upload-quota') so every use is greppable; `actor` is the user it acts for.
 */
export async function asService<T>(
  step: string,
  fn: (tx: Tx) => Promise<T>,
  actor?: string,
): Promise<T> {
  checkStep(step)
  const result = await transaction(primary(), 'read write', null, null, fn)
  await markWrite(actor)
  return result
}

/** Read-only privileged query (no RLS), routed like user reads. */
export async function readAsService<T>(
  step: string,
  fn: (tx: Tx) => Promise<T>,
  actor?: string,
): Promise<T> {
  checkStep(step)
  const { sql } = await readPoolFor(actor)
  return await transaction(sql, 'read only', null, null, fn)
}

export async function closePools(): Promise<void> {
  const all = [...pools.values()]
  pools.clear()
  await Promise.all(all.map((sql) => sql.end({ timeout: 1 })))
}
