// Replica routing (SCALE-4) against two real databases: a primary and a "replica" that hold a
// different marker row, so every answer says which database served it.
import assert from 'node:assert/strict'
// Test-only packages, pinned here: no function imports them, so no function's deno.json lists them.
import { PGlite } from 'npm:@electric-sql/pglite@0.5.14'
import { PGLiteSocketServer } from 'npm:@electric-sql/pglite-socket@0.2.17'
import type { AuthUser } from './auth.ts'
import { redisAvailable, startRedis } from './redis-test-server.ts'
import {
  asService,
  asUser,
  closePools,
  markWrite,
  readAsService,
  readAsUser,
  readPoolFor,
} from './db.ts'

function freePort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 })
  const port = (listener.addr as Deno.NetAddr).port
  listener.close()
  return port
}

async function startDatabase(marker: string) {
  const db = await PGlite.create()
  await db.exec(`
    create role authenticated nologin;
    create table public.marker (name text not null);
    insert into public.marker values ('${marker}');
    grant select, insert on public.marker to authenticated;
    create function public.whoami() returns text language sql stable as
      $$ select nullif(current_setting('request.jwt.claims', true), '')::json ->> 'sub' $$;
    grant execute on function public.whoami() to authenticated;
  `)
  const port = freePort()
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 10 })
  await server.start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop()
      await db.close()
    },
  }
}

const user = (id: string): AuthUser => ({
  id,
  claims: { sub: id, role: 'authenticated', aud: 'authenticated' },
})

Deno.test({
  name: 'reads hit the replica; writes and read-your-writes hit the primary',
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const primaryDb = await startDatabase('primary')
    const replicaDb = await startDatabase('replica')
    const saved = ['SUPABASE_DB_URL', 'DATABASE_READ_URL', 'DB_READ_YOUR_WRITES_MS'].map(
      (k) => [k, Deno.env.get(k)] as const,
    )
    Deno.env.set('SUPABASE_DB_URL', primaryDb.url)
    Deno.env.set('DATABASE_READ_URL', replicaDb.url)
    // A window far longer than the test, so "recent writer" never depends on timing.
    Deno.env.set('DB_READ_YOUR_WRITES_MS', String(3_600_000))
    const marker = async (tx: Parameters<Parameters<typeof readAsUser>[1]>[0]) => {
      const [row] = await tx<{ name: string; me: string; role: string }[]>`
        select name, public.whoami() as me, current_user as role from public.marker limit 1`
      return row!
    }
    try {
      const reader = user(crypto.randomUUID())
      const read = await readAsUser(reader, marker)
      assert.equal(read.name, 'replica')
      // The replica read still runs as the caller (RLS applies there too).
      assert.equal(read.me, reader.id)
      assert.equal(read.role, 'authenticated')
      assert.equal((await readPoolFor(reader.id)).target, 'replica')

      // Writes go to the primary...
      const writer = user(crypto.randomUUID())
      const wrote = await asUser(writer, async (tx) => {
        await tx`insert into public.marker values ('written')`
        return await marker(tx)
      })
      assert.equal(wrote.name, 'primary')
      // ...and the writer's reads follow them there (read-your-writes), others stay on the replica.
      assert.equal((await readAsUser(writer, marker)).name, 'primary')
      assert.equal((await readAsUser(reader, marker)).name, 'replica')
      const seen = await readAsUser(
        writer,
        (tx) => tx`select count(*)::int as n from public.marker`,
      )
      assert.equal(seen[0]!.n, 2)

      // Privileged steps: writes on the primary, reads routed like anyone's.
      assert.equal((await asService('test-service-write', marker)).name, 'primary')
      assert.equal((await readAsService('test-service-read', marker)).name, 'replica')
      const serviceActor = crypto.randomUUID()
      await markWrite(serviceActor)
      assert.equal((await readAsService('test-service-read', marker, serviceActor)).name, 'primary')

      // Replica reads are read-only transactions: a write there fails instead of diverging.
      await assert.rejects(readAsUser(reader, (tx) => tx`insert into public.marker values ('x')`))

      // Without a replica everything is served by the primary.
      Deno.env.delete('DATABASE_READ_URL')
      assert.equal((await readAsUser(reader, marker)).name, 'primary')
    } finally {
      for (const [key, value] of saved) {
        if (value === undefined) Deno.env.delete(key)
        else Deno.env.set(key, value)
      }
      await closePools()
      await primaryDb.stop()
      await replicaDb.stop()
    }
  },
})

Deno.test({
  name: 'read-your-writes across isolates: through Redis when configured, per isolate without',
  ignore: !redisAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const primaryDb = await startDatabase('primary')
    const replicaDb = await startDatabase('replica')
    const names = [
      'SUPABASE_DB_URL',
      'DATABASE_READ_URL',
      'DB_READ_YOUR_WRITES_MS',
      'REDIS_URL',
      'CACHE_TIMEOUT_MS',
    ]
    const saved = names.map((k) => [k, Deno.env.get(k)] as const)
    // A loaded machine may take longer than the production deadline for a Redis call; a call
    // that times out would be read as "store gone". Failures still fail fast (refused).
    Deno.env.set('CACHE_TIMEOUT_MS', '10000')
    Deno.env.set('SUPABASE_DB_URL', primaryDb.url)
    Deno.env.set('DATABASE_READ_URL', replicaDb.url)
    Deno.env.set('DB_READ_YOUR_WRITES_MS', String(3_600_000))
    Deno.env.delete('REDIS_URL')
    // Two instances of db.ts: the isolates of two functions, each with module state of its own.
    const tag = crypto.randomUUID()
    const writer: typeof import('./db.ts') = await import(`./db.ts?isolate=writer${tag}`)
    const reader: typeof import('./db.ts') = await import(`./db.ts?isolate=reader${tag}`)
    const write = (who: AuthUser) =>
      writer.asUser(who, (tx) => tx`insert into public.marker values ('written')`)
    let redis: Awaited<ReturnType<typeof startRedis>> | undefined
    try {
      // No shared store: the writer's own isolate knows, another isolate cannot (stated limit).
      const alone = user(crypto.randomUUID())
      await write(alone)
      assert.equal((await writer.readPoolFor(alone.id)).target, 'primary')
      assert.equal((await reader.readPoolFor(alone.id)).target, 'replica')

      // With Redis, a write in one isolate sends the user's reads in every isolate to the primary.
      redis = await startRedis()
      Deno.env.set('REDIS_URL', redis.url)
      const shared = user(crypto.randomUUID())
      await write(shared)
      assert.equal((await reader.readPoolFor(shared.id)).target, 'primary')
      const [row] = await reader.readAsUser(
        shared,
        (tx) => tx<{ name: string }[]>`select name from public.marker limit 1`,
      )
      assert.equal(row!.name, 'primary')
      // Someone who wrote nowhere still reads from the replica.
      assert.equal((await reader.readPoolFor(crypto.randomUUID())).target, 'replica')

      // The store gone: reads go to the primary (slower, never stale).
      await redis.stop()
      assert.equal((await reader.readPoolFor(crypto.randomUUID())).target, 'primary')
    } finally {
      for (const [key, value] of saved) {
        if (value === undefined) Deno.env.delete(key)
        else Deno.env.set(key, value)
      }
      await writer.closePools()
      await reader.closePools()
      await redis?.stop()
      await primaryDb.stop()
      await replicaDb.stop()
    }
  },
})
