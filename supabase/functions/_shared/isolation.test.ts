// Every function runs in an isolate of its own, as on Supabase (PROD-1): module state set through
// one function is invisible to another, a function sees only what the platform injects plus the
// project's secrets, and one isolate dying takes no other down. The functions tier serves two
// fixture functions (local/deno/fixtures/isolation) that import one module, as every function
// imports `_shared/`; in a shared isolate they would hold one instance of it.
import assert from 'node:assert/strict'
import { env } from './env.ts'
import { platformAvailable } from './testing.ts'

const fixtures = (env('ISOLATION_FIXTURES') ?? '').split(',').filter(Boolean)
const [a, b] = fixtures
const ignore = !platformAvailable || fixtures.length < 2
const fn = (path: string) => `${env('SUPABASE_URL')}/functions/v1/${path}`

async function state(name: string): Promise<{ value: string | null; executionId: string }> {
  const res = await fetch(fn(`${name}/state`))
  assert.equal(res.status, 200)
  return await res.json()
}

Deno.test({
  name: 'isolation: module state set through one function is not visible in another',
  ignore,
  async fn() {
    const put = await fetch(fn(`${a}/state`), { method: 'PUT', body: 'set-through-a' })
    assert.equal(put.status, 200)
    await put.body?.cancel()
    const first = await state(a!)
    const second = await state(b!)
    assert.equal(first.value, 'set-through-a')
    assert.equal(second.value, null)
    assert.notEqual(first.executionId, second.executionId)
  },
})

Deno.test({
  name: 'isolation: a function sees the injected env and secrets, never the developer shell',
  ignore,
  async fn() {
    // The harness sets this in its own process env; this test process inherits it, no function may.
    assert.equal(Deno.env.get('RUGBYCODEX_DEVELOPER_SHELL_ONLY'), 'leaked')
    const { names } = (await (await fetch(fn(`${a}/env`))).json()) as { names: string[] }
    for (const name of [
      'SUPABASE_URL',
      'SUPABASE_DB_URL',
      'SUPABASE_PUBLISHABLE_KEYS',
      'SUPABASE_SECRET_KEYS',
      'SUPABASE_JWKS',
      'SUPABASE_ANON_KEY',
      'SUPABASE_SERVICE_ROLE_KEY',
      'SB_REGION',
      'SB_EXECUTION_ID',
      'DENO_DEPLOYMENT_ID',
      'PLAYBACK_TOKEN_SECRET',
      'S3_BUCKET',
    ]) {
      assert.ok(names.includes(name), `${name} is injected`)
    }
    for (const name of [
      'RUGBYCODEX_DEVELOPER_SHELL_ONLY',
      'PATH',
      'HOME',
      'DENO_DIR',
      'GATEWAY_PORT',
      'SUPABASE_JWT_ISSUER',
      'SUPABASE_JWT_SECRET',
      'WORKER_ID',
    ]) {
      assert.ok(!names.includes(name), `${name} is not injected`)
    }
    const value = async (name: string) =>
      ((await (await fetch(fn(`${a}/env?name=${name}`))).json()) as { value: string }).value
    const jwks = await (await fetch(`${env('SUPABASE_URL')}/auth/v1/.well-known/jwks.json`)).json()
    assert.deepEqual(JSON.parse(await value('SUPABASE_JWKS')), jwks)
    assert.deepEqual(JSON.parse(await value('SUPABASE_PUBLISHABLE_KEYS')), {
      default: env('SUPABASE_ANON_KEY'),
    })
    assert.deepEqual(JSON.parse(await value('SUPABASE_SECRET_KEYS')), {
      default: env('SUPABASE_SERVICE_ROLE_KEY'),
    })
  },
})

Deno.test({
  name: 'isolation: an isolate that dies takes no other down and is booted again, empty',
  ignore,
  async fn() {
    await (await fetch(fn(`${b}/state`), { method: 'PUT', body: 'kept-by-b' })).body?.cancel()
    const before = await state(a!)
    const crash = await fetch(fn(`${a}/crash`), { method: 'POST' })
    assert.equal(crash.status, 200)
    await crash.body?.cancel()
    // The next answers come from the dying isolate or, once the host saw it exit, a new one.
    let after = before
    for (let i = 0; i < 400 && after.executionId === before.executionId; i++) {
      const res = await fetch(fn(`${a}/state`))
      if (res.status === 200) after = await res.json()
      else await res.body?.cancel()
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    assert.notEqual(after.executionId, before.executionId)
    assert.equal(after.value, null)
    assert.equal((await state(b!)).value, 'kept-by-b')
  },
})
