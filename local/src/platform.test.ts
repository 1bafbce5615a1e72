import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { everyPortFree, INJECTED_NAMES, PROJECT_SECRET_NAMES } from './config'
import { startPlatform, type Platform } from './platform'

let root: string
let functionsDir: string
let platform: Platform
const lines: string[] = []

function writeFunction(name: string, source: string) {
  mkdirSync(join(functionsDir, name), { recursive: true })
  writeFileSync(join(functionsDir, name, 'index.ts'), source)
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rc-functions-'))
  functionsDir = join(root, 'functions')
  // These fixtures test the host, not auth: the gateway's verify_jwt check is off for them, as
  // for every function in supabase/config.toml (gateway.test.ts tests the check itself).
  mkdirSync(functionsDir)
  writeFileSync(
    join(root, 'config.toml'),
    ['echo', 'leaky', 'options-form', 'broken', 'crasher']
      .map((name) => `[functions.${name}]\nverify_jwt = false\n`)
      .join('\n'),
  )
  writeFunction(
    'echo',
    `Deno.serve(async (req) => {
      const url = new URL(req.url)
      return Response.json({
        method: req.method,
        path: url.pathname,
        search: url.search,
        body: req.method === 'POST' ? await req.text() : null,
        auth: req.headers.get('authorization'),
        env: {
          SUPABASE_URL: Deno.env.get('SUPABASE_URL'),
          SUPABASE_ANON_KEY: Deno.env.get('SUPABASE_ANON_KEY'),
          SUPABASE_SERVICE_ROLE_KEY: Deno.env.get('SUPABASE_SERVICE_ROLE_KEY'),
          SUPABASE_DB_URL: Deno.env.get('SUPABASE_DB_URL'),
          S3_BUCKET: Deno.env.get('S3_BUCKET'),
        },
        names: Object.keys(Deno.env.toObject()).sort(),
      }, { headers: { 'x-request-id': 'from-function' } })
    })`,
  )
  writeFunction(
    'leaky',
    `Deno.serve(() => {
      Promise.reject(new Error('stray rejection'))
      return new Response('leaked')
    })`,
  )
  writeFunction(
    'crasher',
    `Deno.serve((req) => {
      if (req.method === 'POST') setTimeout(() => Deno.exit(1), 0)
      return Response.json({ isolate: Deno.env.get('SB_EXECUTION_ID') })
    })`,
  )
  writeFunction('options-form', `Deno.serve({ port: 9999 }, () => new Response('second form'))`)
  writeFunction('broken', `import './missing-module.ts'\nDeno.serve(() => new Response('never'))`)
  mkdirSync(join(functionsDir, '_shared'), { recursive: true })
  writeFileSync(join(functionsDir, '_shared', 'index.ts'), `throw new Error('never imported')`)
  mkdirSync(join(functionsDir, 'not-a-function'), { recursive: true })

  platform = await startPlatform({
    dataDir: 'memory',
    ports: everyPortFree,
    withFunctions: true,
    functionsDir,
    log: (line) => lines.push(line),
  })
})

afterAll(async () => {
  await platform?.stop()
  rmSync(root, { recursive: true, force: true })
})

describe('functions behind the gateway', () => {
  it('routes /functions/v1/<name>/* to the function as /<name>/* with the deploy environment', async () => {
    const response = await fetch(`${platform.urls.functions}/echo/items/42?q=a%20b`, {
      headers: { authorization: 'Bearer token-123' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBe('from-function')
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      method: 'GET',
      path: '/echo/items/42',
      search: '?q=a%20b',
      auth: 'Bearer token-123',
      env: {
        SUPABASE_URL: platform.env.SUPABASE_URL,
        SUPABASE_ANON_KEY: platform.env.SUPABASE_ANON_KEY,
        SUPABASE_SERVICE_ROLE_KEY: platform.env.SUPABASE_SERVICE_ROLE_KEY,
        SUPABASE_DB_URL: platform.env.SUPABASE_DB_URL,
        S3_BUCKET: 'media',
      },
    })
  })

  it('gives a function only what hosted Supabase injects plus the project secrets', async () => {
    const body = (await (await fetch(`${platform.urls.functions}/echo`)).json()) as {
      names: string[]
    }
    const allowed = new Set<string>([...INJECTED_NAMES, ...PROJECT_SECRET_NAMES])
    expect(body.names.filter((name) => !allowed.has(name))).toEqual([])
    for (const name of INJECTED_NAMES) expect(body.names).toContain(name)
    // Platform-only settings and the developer's shell stay out (PATH, HOME, DENO_DIR, …).
    for (const name of ['PATH', 'HOME', 'DENO_DIR', 'SUPABASE_JWT_ISSUER', 'GATEWAY_PORT']) {
      expect(body.names).not.toContain(name)
    }
  })

  it('keeps every other function up when one exits, and boots a new isolate on its next request', async () => {
    const before = (await (await fetch(`${platform.urls.functions}/crasher`)).json()) as {
      isolate: string
    }
    await fetch(`${platform.urls.functions}/crasher`, { method: 'POST' })
    while (!lines.some((line) => line.includes('function crasher exited'))) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect((await fetch(`${platform.urls.functions}/echo`)).status).toBe(200)
    const after = await fetch(`${platform.urls.functions}/crasher`)
    expect(after.status).toBe(200)
    expect(((await after.json()) as { isolate: string }).isolate).not.toBe(before.isolate)
    expect(lines.some((line) => line.includes('exited unexpectedly'))).toBe(false)
  })

  it('streams request bodies through', async () => {
    const payload = 'x'.repeat(3 * 1024 * 1024)
    const response = await fetch(`${platform.urls.functions}/echo`, {
      method: 'POST',
      body: payload,
    })
    const body = (await response.json()) as { body: string }
    expect(body.body.length).toBe(payload.length)
  })

  it('accepts Deno.serve(options, handler)', async () => {
    const response = await fetch(`${platform.urls.functions}/options-form`)
    expect(await response.text()).toBe('second form')
  })

  it('isolates a function that fails to import: 503 BOOT_ERROR as on Supabase, error printed, others still work', async () => {
    const response = await fetch(`${platform.urls.functions}/broken`)
    expect(response.status).toBe(503)
    expect(response.headers.get('sb-error-code')).toBe('BOOT_ERROR')
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('BOOT_ERROR')
    expect(body.error.message).toContain('missing-module.ts')
    expect(lines.some((line) => line.includes('function broken failed to load'))).toBe(true)
    expect((await fetch(`${platform.urls.functions}/echo`)).status).toBe(200)
  })

  it('survives a function that leaves a promise rejected', async () => {
    expect(await (await fetch(`${platform.urls.functions}/leaky`)).text()).toBe('leaked')
    // Wait until the host has seen the rejection; only then is its survival meaningful.
    while (!lines.some((line) => line.includes('stray rejection'))) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect((await fetch(`${platform.urls.functions}/echo`)).status).toBe(200)
    expect(lines.some((line) => line.includes('exited unexpectedly'))).toBe(false)
  })

  it('answers 404 for _shared, folders without index.ts and unknown names', async () => {
    for (const name of ['_shared', 'not-a-function', 'nope']) {
      const response = await fetch(`${platform.urls.functions}/${name}`)
      expect(response.status).toBe(404)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'FUNCTION_NOT_FOUND',
      )
    }
  })
})

describe('mailbox', () => {
  it('accepts mail from functions with the service key and lists it by recipient', async () => {
    const send = (token: string, body: unknown) =>
      fetch(`${platform.urls.mailbox}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mailbox-token': token },
        body: JSON.stringify(body),
      })
    const refused = await send('wrong', { to: 'a@example.test', subject: 'x', text: 'y' })
    expect(refused.status).toBe(401)
    const invalid = await send(platform.env.SUPABASE_SERVICE_ROLE_KEY as string, {
      to: 'nope',
      subject: '',
    })
    expect(invalid.status).toBe(400)
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_FAILED',
    )

    const sent = await send(platform.env.SUPABASE_SERVICE_ROLE_KEY as string, {
      to: 'Coach@Example.test',
      subject: 'Waitlist <confirmed>',
      text: 'Open https://example.test/x',
    })
    expect(sent.status).toBe(201)

    const listed = (await (
      await fetch(`${platform.urls.mailbox}/api/messages?to=coach@example.test`)
    ).json()) as { messages: { subject: string }[] }
    expect(listed.messages.map((m) => m.subject)).toEqual(['Waitlist <confirmed>'])

    const page = await (await fetch(platform.urls.mailbox)).text()
    expect(page).toContain('Waitlist &#60;confirmed&#62;')
  })
})

describe('gateway', () => {
  it('answers unknown paths with the error envelope', async () => {
    const response = await fetch(`${platform.urls.api}/rest/v1/profiles`)
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND')
  })

  it('resolves every contract variable', () => {
    for (const name of [
      'SUPABASE_URL',
      'SUPABASE_ANON_KEY',
      'SUPABASE_SERVICE_ROLE_KEY',
      'SUPABASE_DB_URL',
      'SUPABASE_JWT_ISSUER',
      'S3_ENDPOINT',
      'S3_REGION',
      'S3_BUCKET',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'S3_FORCE_PATH_STYLE',
      'PLAYBACK_TOKEN_SECRET',
      'VITE_SUPABASE_URL',
      'VITE_SUPABASE_ANON_KEY',
      'WORKER_ID',
      'WORKER_CONCURRENCY',
      'WORKER_LEASE_SECONDS',
      'WORKER_STOP_TIMEOUT_SECONDS',
      'FFMPEG_ENCODER',
      'X264_PRESET',
    ]) {
      expect(platform.env[name], name).toBeTruthy()
    }
    expect(platform.env.SUPABASE_ANON_KEY).toBe('sb_publishable_rugbycodex_local')
    expect(platform.env.SUPABASE_DB_URL).toMatch(/sslmode=disable$/)
  })
})
