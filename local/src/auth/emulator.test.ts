import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLog } from '../log'
import { startPlatform, type Platform } from '../platform'
import { everyPortFree } from '../config'

let platform: Platform

// Node 20 has no global WebSocket and supabase-js builds its realtime client eagerly; these tests
// never subscribe, so a transport that refuses to connect is enough.
class NoRealtime {
  constructor() {
    throw new Error('realtime is not used by the auth tests')
  }
}

function client(): SupabaseClient {
  return createClient(
    platform.env.SUPABASE_URL as string,
    platform.env.SUPABASE_ANON_KEY as string,
    {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoRealtime as never },
    },
  )
}

let counter = 0
function newUser() {
  counter += 1
  const id = `${Date.now().toString(36)}${counter}`
  return {
    email: `user${id}@example.test`,
    password: 'correct horse battery',
    username: `u${id}`,
    name: `User ${id}`,
  }
}

/** A new user, already signed up with their password. */
async function signedUpUser() {
  const user = newUser()
  await client().auth.signUp({ email: user.email, password: user.password })
  return user
}

beforeAll(async () => {
  platform = await startPlatform({
    dataDir: 'memory',
    ports: everyPortFree,
    withFunctions: false,
    log: silentLog,
  })
})

afterAll(async () => {
  await platform?.stop()
})

describe('auth emulator with supabase-js', () => {
  it('signs up with metadata, returns a session and issues the contract claims', async () => {
    const user = newUser()
    const supabase = client()
    const { data, error } = await supabase.auth.signUp({
      email: user.email,
      password: user.password,
      options: { data: { username: user.username, name: user.name } },
    })
    expect(error).toBeNull()
    expect(data.session?.access_token).toBeTruthy()
    expect(data.user?.email).toBe(user.email)
    expect(data.user?.user_metadata).toMatchObject({ username: user.username, name: user.name })

    const token = data.session?.access_token as string
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256' })
    const jwks = createRemoteJWKSet(new URL(`${platform.urls.auth}/.well-known/jwks.json`))
    const { payload } = await jwtVerify(token, jwks, {
      issuer: platform.env.SUPABASE_JWT_ISSUER,
      audience: 'authenticated',
    })
    expect(payload).toMatchObject({
      sub: data.user?.id,
      role: 'authenticated',
      email: user.email,
      aal: 'aal1',
      app_metadata: { provider: 'email' },
      user_metadata: { username: user.username, name: user.name },
    })
    expect(typeof payload.session_id).toBe('string')
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600)

    // Autoconfirm still sends the confirmation mail.
    const mails = platform.mailbox.list(user.email)
    expect(mails[0]?.text).toContain('/auth/v1/verify?token=')
  })

  it('signs in with a password, reads the user, refreshes (rotating) and signs out', async () => {
    const user = await signedUpUser()
    const supabase = client()
    const signIn = await supabase.auth.signInWithPassword({
      email: user.email,
      password: user.password,
    })
    expect(signIn.error).toBeNull()
    const firstRefresh = signIn.data.session?.refresh_token as string

    const got = await supabase.auth.getUser()
    expect(got.error).toBeNull()
    expect(got.data.user?.email).toBe(user.email)

    const refreshed = await supabase.auth.refreshSession()
    expect(refreshed.error).toBeNull()
    expect(refreshed.data.session?.refresh_token).toBeTruthy()
    expect(refreshed.data.session?.refresh_token).not.toBe(firstRefresh)

    const signOut = await supabase.auth.signOut()
    expect(signOut.error).toBeNull()

    // The session is gone: its access token and refresh token no longer work.
    const afterUser = await fetch(`${platform.urls.auth}/user`, {
      headers: {
        apikey: platform.env.SUPABASE_ANON_KEY as string,
        authorization: `Bearer ${refreshed.data.session?.access_token}`,
      },
    })
    expect(afterUser.status).toBe(403)
    const replay = await client().auth.refreshSession({
      refresh_token: refreshed.data.session?.refresh_token as string,
    })
    expect(replay.error?.code).toBe('refresh_token_not_found')
  })

  it('reports a wrong password as invalid_credentials', async () => {
    const user = await signedUpUser()
    const { data, error } = await client().auth.signInWithPassword({
      email: user.email,
      password: 'wrong password',
    })
    expect(data.session).toBeNull()
    expect(error?.status).toBe(400)
    expect(error?.code).toBe('invalid_credentials')
    expect(error?.message).toBe('Invalid login credentials')
  })

  it('refuses a duplicate email with user_already_exists', async () => {
    const user = await signedUpUser()
    const { error } = await client().auth.signUp({
      email: user.email.toUpperCase(),
      password: user.password,
    })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('user_already_exists')
  })

  it('refuses a short password as weak_password', async () => {
    const { error } = await client().auth.signUp({ email: newUser().email, password: '123' })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('weak_password')
    expect(error?.name).toBe('AuthWeakPasswordError')
  })

  it('resets a password through the mailed recovery link', async () => {
    const user = await signedUpUser()
    const reset = await client().auth.resetPasswordForEmail(user.email, {
      redirectTo: platform.urls.spa,
    })
    expect(reset.error).toBeNull()
    const mail = platform.mailbox.list(user.email).find((m) => m.subject.includes('Reset'))
    const link = /https?:\/\/\S+/.exec(mail?.text ?? '')?.[0] as string
    expect(link).toContain('type=recovery')

    const landed = await fetch(link, { redirect: 'manual' })
    expect(landed.status).toBe(303)
    const location = new URL(landed.headers.get('location') as string)
    expect(location.origin).toBe(platform.urls.spa)
    const fragment = new URLSearchParams(location.hash.slice(1))
    expect(fragment.get('type')).toBe('recovery')

    const supabase = client()
    const set = await supabase.auth.setSession({
      access_token: fragment.get('access_token') as string,
      refresh_token: fragment.get('refresh_token') as string,
    })
    expect(set.error).toBeNull()
    const updated = await supabase.auth.updateUser({ password: 'a brand new password' })
    expect(updated.error).toBeNull()

    const oldPassword = await client().auth.signInWithPassword({
      email: user.email,
      password: user.password,
    })
    expect(oldPassword.error?.code).toBe('invalid_credentials')
    const newPassword = await client().auth.signInWithPassword({
      email: user.email,
      password: 'a brand new password',
    })
    expect(newPassword.error).toBeNull()

    // The link is single-use.
    const again = await fetch(link, { redirect: 'manual' })
    expect(again.headers.get('location')).toContain('error_code=otp_expired')
  })

  it('answers health, settings and CORS preflight for the SPA origin', async () => {
    const health = await fetch(`${platform.urls.auth}/health`)
    expect(health.status).toBe(200)
    const settings = (await (await fetch(`${platform.urls.auth}/settings`)).json()) as {
      mailer_autoconfirm: boolean
    }
    expect(settings.mailer_autoconfirm).toBe(true)
    const preflight = await fetch(`${platform.urls.auth}/token?grant_type=password`, {
      method: 'OPTIONS',
      headers: {
        origin: platform.urls.spa,
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'apikey, authorization, x-client-info, content-type, x-supabase-api-version',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(platform.urls.spa)
    expect(preflight.headers.get('access-control-allow-headers')).toContain(
      'x-supabase-api-version',
    )
  })

  it('answers malformed JSON with a 400 in GoTrue shape', async () => {
    const response = await fetch(`${platform.urls.auth}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: 'x' },
      body: '{not json',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 400, error_code: 'bad_json' })
  })

  it('limits repeated failed sign-ins with a 429', async () => {
    const user = await signedUpUser()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const { error } = await client().auth.signInWithPassword({
        email: user.email,
        password: 'nope!!',
      })
      statuses.push(error?.status ?? 200)
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true)
    expect(statuses[10]).toBe(429)
    const { error } = await client().auth.signInWithPassword(user)
    expect(error?.code).toBe('over_request_rate_limit')
  })
})

describe('auth emulator with email confirmation required', () => {
  let strict: Platform

  beforeAll(async () => {
    strict = await startPlatform({
      dataDir: 'memory',
      ports: everyPortFree,
      withFunctions: false,
      autoconfirm: false,
      log: silentLog,
    })
  })

  afterAll(async () => {
    await strict?.stop()
  })

  it('signs up without a session, refuses sign-in until the mailed link is opened', async () => {
    const user = newUser()
    const supabase = createClient(
      strict.env.SUPABASE_URL as string,
      strict.env.SUPABASE_ANON_KEY as string,
      {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        realtime: { transport: NoRealtime as never },
      },
    )
    const signUp = await supabase.auth.signUp({ email: user.email, password: user.password })
    expect(signUp.error).toBeNull()
    expect(signUp.data.session).toBeNull()
    expect(signUp.data.user?.email).toBe(user.email)

    const early = await supabase.auth.signInWithPassword(user)
    expect(early.error?.code).toBe('email_not_confirmed')

    const mail = strict.mailbox.list(user.email)[0]
    const link = /https?:\/\/\S+/.exec(mail?.text ?? '')?.[0] as string
    const landed = await fetch(link, { redirect: 'manual' })
    const fragment = new URLSearchParams(
      new URL(landed.headers.get('location') as string).hash.slice(1),
    )
    expect(fragment.get('type')).toBe('signup')
    expect(fragment.get('access_token')).toBeTruthy()

    const later = await supabase.auth.signInWithPassword(user)
    expect(later.error).toBeNull()
    expect(later.data.user?.email_confirmed_at).toBeTruthy()
  })
})
