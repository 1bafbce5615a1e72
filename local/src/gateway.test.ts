// The gateway's `verify_jwt` check, held to hosted Supabase: it accepts only a legacy HS256
// project JWT signed with the project's legacy secret, and answers 401 before the function runs
// to everything else, including the ES256 user tokens Supabase Auth signs with asymmetric keys.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSigningKeys, type SigningKeys } from './auth/keys'
import { everyPortFree, loadSecrets, LOCAL_ANON_KEY, repoRoot } from './config'
import { loadFunctionsConfig } from './functions-config'
import { startGateway, type Gateway } from './gateway'
import { startPlatform, type Platform } from './platform'
import { freePort } from './ports'

const legacySecret = 'fixture-legacy-jwt-secret-with-at-least-32-chars'
const secretKey = 'sb_secret_fixture'

let root: string
let configPath: string
let upstream: Server
let gateway: Gateway
let base: string
let keys: SigningKeys
const reached: { path: string; authorization?: string }[] = []

function writeConfig(text: string) {
  writeFileSync(configPath, text)
}

const fixtureConfig = `
project_id = "fixture"

[functions.secured]
verify_jwt = true

[functions.open]
verify_jwt = false

# Listed, with its code elsewhere than <name>/index.ts: still checked.
[functions.elsewhere]
entrypoint = "./elsewhere/main.ts"
`

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rc-gateway-'))
  configPath = join(root, 'config.toml')
  writeConfig(fixtureConfig)
  // `unlisted` is deployed but absent from config.toml: the platform default (verify_jwt on).
  for (const name of ['secured', 'open', 'unlisted']) {
    mkdirSync(join(root, 'functions', name), { recursive: true })
    writeFileSync(join(root, 'functions', name, 'index.ts'), 'Deno.serve(() => new Response())')
  }
  mkdirSync(join(root, 'functions', '_shared'), { recursive: true })
  writeFileSync(join(root, 'functions', '_shared', 'index.ts'), '')

  // A stand-in for the functions host: it records what got through the gateway.
  upstream = createServer((req: IncomingMessage, res) => {
    reached.push({ path: req.url ?? '', authorization: req.headers.authorization })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ ran: req.url }))
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const address = upstream.address() as { port: number }

  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  keys = await loadSigningKeys(undefined, `${base}/auth/v1`)
  gateway = await startGateway({
    port,
    auth: async (_req, res) => {
      res.writeHead(404)
      res.end()
    },
    mailbox: async (_req, res) => {
      res.writeHead(404)
      res.end()
    },
    functionsUrl: `http://127.0.0.1:${address.port}`,
    functionsDir: join(root, 'functions'),
    functionsConfigPath: configPath,
    legacyJwtSecret: legacySecret,
    allowedOrigins: [],
    services: {},
    log: () => {},
  })
})

afterAll(async () => {
  await gateway?.stop()
  await new Promise((resolve) => upstream?.close(resolve))
  rmSync(root, { recursive: true, force: true })
})

const userToken = () =>
  keys.sign(
    {
      sub: '11111111-1111-4111-8111-111111111111',
      aud: 'authenticated',
      role: 'authenticated',
      email: 'coach@example.test',
      session_id: '22222222-2222-4222-8222-222222222222',
      aal: 'aal1',
      app_metadata: { provider: 'email' },
      user_metadata: {},
      is_anonymous: false,
    },
    3600,
  )

/** What the legacy anon / service_role keys are: HS256 JWTs signed with the project secret. */
const legacyJwt = (secret = legacySecret, expiresIn: string | number = '1h', role = 'anon') =>
  new SignJWT({ role, iss: 'supabase', ref: 'fixture' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret))

async function call(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const before = reached.length
  const response = await fetch(`${base}/functions/v1/${path}`, { method, headers })
  const text = await response.text()
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    errorCode: response.headers.get('sb-error-code'),
    reachedFunction: reached.length > before,
  }
}

async function expectRefused(
  path: string,
  headers: Record<string, string>,
  code: string,
  message: string,
) {
  const result = await call(path, headers)
  expect(result.status, `${path} ${JSON.stringify(headers)}`).toBe(401)
  expect(result.body).toEqual({ code, message })
  expect(result.errorCode).toBe(code)
  expect(result.reachedFunction).toBe(false)
}

describe('verify_jwt on (as on hosted Supabase)', () => {
  it('answers 401 to an ES256 user token from the auth emulator before the function runs', async () => {
    const token = await userToken()
    await expectRefused(
      'secured',
      { authorization: `Bearer ${token}`, apikey: LOCAL_ANON_KEY },
      'UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM',
      'Unsupported JWT algorithm: ES256',
    )
  })

  it('answers 401 to no credentials, and to the publishable key in apikey alone', async () => {
    const missing = ['UNAUTHORIZED_NO_AUTH_HEADER', 'Missing authorization header'] as const
    await expectRefused('secured', {}, ...missing)
    await expectRefused('secured/deep/path?x=1', { apikey: LOCAL_ANON_KEY }, ...missing)
  })

  it('answers 401 to API keys and malformed values sent as the bearer', async () => {
    const format = ['UNAUTHORIZED_INVALID_JWT_FORMAT', 'Invalid JWT format'] as const
    await expectRefused(
      'secured',
      { authorization: `Bearer ${LOCAL_ANON_KEY}`, apikey: LOCAL_ANON_KEY },
      ...format,
    )
    await expectRefused('secured', { authorization: `Bearer ${secretKey}` }, ...format)
    await expectRefused('secured', { authorization: await legacyJwt() }, ...format)
    await expectRefused('secured', { authorization: `Token ${await legacyJwt()}` }, ...format)
  })

  it('answers 401 to a forged, an expired and an unsigned token', async () => {
    const invalid = ['UNAUTHORIZED_LEGACY_JWT', 'Invalid JWT'] as const
    const forged = await legacyJwt('guessed-secret-guessed-secret-guessed-secret')
    await expectRefused('secured', { authorization: `Bearer ${forged}` }, ...invalid)
    const expired = await legacyJwt(legacySecret, Math.floor(Date.now() / 1000) - 60)
    await expectRefused('secured', { authorization: `Bearer ${expired}` }, ...invalid)
    const [header, payload] = (await legacyJwt()).split('.')
    await expectRefused('secured', { authorization: `Bearer ${header}.${payload}.` }, ...invalid)
    const unsigned = new UnsecuredJWT({ role: 'service_role' }).setExpirationTime('1h').encode()
    await expectRefused(
      'secured',
      { authorization: `Bearer ${unsigned}` },
      'UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM',
      'Unsupported JWT algorithm: none',
    )
  })

  it('lets a legacy HS256 project JWT through, headers untouched', async () => {
    for (const role of ['anon', 'service_role', 'authenticated']) {
      const token = await legacyJwt(legacySecret, '1h', role)
      const result = await call('secured/items/1?q=2', { authorization: `Bearer ${token}` })
      expect(result.status).toBe(200)
      expect(result.reachedFunction).toBe(true)
      expect(reached.at(-1)).toEqual({
        path: '/secured/items/1?q=2',
        authorization: `Bearer ${token}`,
      })
    }
  })

  it('defaults to on for a function config.toml does not list', async () => {
    await expectRefused(
      'unlisted',
      { authorization: `Bearer ${await userToken()}` },
      'UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM',
      'Unsupported JWT algorithm: ES256',
    )
    expect((await call('unlisted', { authorization: `Bearer ${await legacyJwt()}` })).status).toBe(
      200,
    )
  })

  it('checks a function config.toml lists even when its code is not <name>/index.ts', async () => {
    await expectRefused(
      'elsewhere',
      {},
      'UNAUTHORIZED_NO_AUTH_HEADER',
      'Missing authorization header',
    )
  })

  it('lets CORS preflights through without credentials', async () => {
    const result = await call('secured/anything', { origin: 'https://app.example' }, 'OPTIONS')
    expect(result.reachedFunction).toBe(true)
  })

  it('leaves unknown names and non-functions to the host (404 there), not 401', async () => {
    for (const name of ['nope', '_shared', '..%2Fsecured']) {
      const result = await call(name)
      expect(result.reachedFunction, name).toBe(true)
    }
  })
})

describe('verify_jwt off', () => {
  it('hands every request to the function, which authenticates in code', async () => {
    const token = await userToken()
    const variants: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${token}` },
      { apikey: LOCAL_ANON_KEY },
    ]
    for (const headers of variants) {
      const result = await call('open/x', headers)
      expect(result.status).toBe(200)
      expect(result.reachedFunction).toBe(true)
    }
  })
})

describe('config.toml', () => {
  it('is read again when it changes, as a redeploy with new settings would apply', async () => {
    try {
      writeConfig(fixtureConfig.replace('[functions.open]\nverify_jwt = false', ''))
      expect((await call('open')).status).toBe(401)
      writeConfig(fixtureConfig.replace('verify_jwt = true', 'verify_jwt = false'))
      expect((await call('secured')).status).toBe(200)
    } finally {
      writeConfig(fixtureConfig)
    }
    expect((await call('secured')).status).toBe(401)
  })

  it('a broken config.toml fails closed with the error envelope, never open', async () => {
    try {
      for (const broken of [
        '[functions.secured\nverify_jwt = false',
        fixtureConfig.replace('true', '"no"'),
      ]) {
        writeConfig(broken)
        const result = await call('open')
        expect(result.status).toBe(500)
        expect(result.reachedFunction).toBe(false)
        expect((result.body as { error: { code: string } }).error.code).toBe(
          'FUNCTIONS_CONFIG_INVALID',
        )
      }
    } finally {
      writeConfig(fixtureConfig)
    }
  })

  it('declares verify_jwt = false for every function of supabase/functions', () => {
    // Each function verifies ES256 user tokens against the JWKS itself; the platform check
    // would refuse them (above), so a function left on would 401 every signed-in call.
    const config = loadFunctionsConfig(join(repoRoot, 'supabase', 'config.toml'))
    const dir = join(repoRoot, 'supabase', 'functions')
    const functions = readdirSync(dir).filter(
      (name) => !name.startsWith('_') && existsSync(join(dir, name, 'index.ts')),
    )
    expect(functions.length).toBeGreaterThan(10)
    for (const name of functions) expect(config.verifyJwt(name), name).toBe(false)
  })
})

describe('the legacy JWT secret', () => {
  it('is generated once per data dir, and added to a data dir from before it existed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-secrets-'))
    try {
      const old = { serviceRoleKey: 'sb_secret_old', playbackTokenSecret: 'old-playback' }
      writeFileSync(join(dir, 'secrets.json'), JSON.stringify(old))
      const upgraded = loadSecrets(dir)
      expect(upgraded).toMatchObject(old)
      expect(upgraded.legacyJwtSecret.length).toBeGreaterThanOrEqual(32)
      expect(loadSecrets(dir)).toEqual(upgraded)
      expect(loadSecrets(undefined).legacyJwtSecret).not.toBe(upgraded.legacyJwtSecret)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('against the embedded platform (real auth emulator, real Deno host)', () => {
  let fixture: string
  let platform: Platform

  beforeAll(async () => {
    fixture = mkdtempSync(join(tmpdir(), 'rc-gateway-platform-'))
    writeFileSync(
      join(fixture, 'config.toml'),
      '[functions.secured]\nverify_jwt = true\n\n[functions.open]\nverify_jwt = false\n',
    )
    for (const name of ['secured', 'open']) {
      mkdirSync(join(fixture, 'functions', name), { recursive: true })
      writeFileSync(
        join(fixture, 'functions', name, 'index.ts'),
        `Deno.serve(() => Response.json({ ran: '${name}' }))`,
      )
    }
    platform = await startPlatform({
      dataDir: 'memory',
      ports: everyPortFree,
      withFunctions: true,
      functionsDir: join(fixture, 'functions'),
      functionsConfigPath: join(fixture, 'config.toml'),
      log: () => {},
    })
  })

  afterAll(async () => {
    await platform?.stop()
    rmSync(fixture, { recursive: true, force: true })
  })

  const invoke = async (name: string, headers: Record<string, string>) => {
    const response = await fetch(`${platform.urls.functions}/${name}`, { headers })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  it('refuses a signed-in user where verify_jwt is on, and lets a legacy JWT through', async () => {
    const anon = platform.env.SUPABASE_ANON_KEY as string
    const signup = await fetch(`${platform.urls.auth}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: anon },
      body: JSON.stringify({
        email: 'gate@example.test',
        password: 'Correct-Horse-Battery-9',
        data: { username: 'gatekeeper', name: 'Gate Keeper' },
      }),
    })
    const session = (await signup.json()) as { access_token: string }
    expect(JSON.parse(atob(session.access_token.split('.')[0]!)).alg).toBe('ES256')
    const asUser = { authorization: `Bearer ${session.access_token}`, apikey: anon }

    // This is why every function of supabase/config.toml turns verify_jwt off.
    expect(await invoke('secured', asUser)).toEqual({
      status: 401,
      body: {
        code: 'UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM',
        message: 'Unsupported JWT algorithm: ES256',
      },
    })
    expect(
      (await invoke('secured', { authorization: `Bearer ${anon}`, apikey: anon })).status,
    ).toBe(401)
    const secret = platform.env.SUPABASE_SERVICE_ROLE_KEY as string
    expect((await invoke('secured', { authorization: `Bearer ${secret}` })).status).toBe(401)

    const legacy = await legacyJwt(platform.legacyJwtSecret)
    expect(await invoke('secured', { authorization: `Bearer ${legacy}` })).toEqual({
      status: 200,
      body: { ran: 'secured' },
    })
    expect(await invoke('open', asUser)).toEqual({ status: 200, body: { ran: 'open' } })
  })
})
