import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Sql, TransactionSql } from 'postgres'
import { HttpError, readJson, sendJson } from '../http'
import type { Log } from '../log'
import type { Mail } from '../mailbox'
import type { AccessClaims, SigningKeys } from './keys'
import { hashPassword, verifyPassword } from './passwords'

export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600
/** GoTrue's default: a rotated refresh token may be replayed briefly (parallel tabs refreshing). */
const REFRESH_REUSE_INTERVAL_MS = 10_000
const MIN_PASSWORD_LENGTH = 6
const EMAIL_LINK_LIFETIME_MS = 60 * 60 * 1000
const EMAIL_RESEND_INTERVAL_MS = 60 * 1000
const FAILED_SIGNINS_LIMIT = 10
const FAILED_SIGNINS_WINDOW_MS = 5 * 60 * 1000
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export interface AuthEmulatorOptions {
  sql: Sql
  keys: SigningKeys
  /** Public URL of the gateway (SUPABASE_URL); links in mails point here. */
  publicUrl: string
  /** Where links land when the request names no redirect (the SPA). */
  siteUrl: string
  /** Sign-up returns a session at once (the confirmation mail is sent anyway). */
  autoconfirm: boolean
  sendMail(mail: Mail): Promise<void>
  log: Log
}

interface UserRow {
  id: string
  aud: string | null
  role: string | null
  email: string
  encrypted_password: string | null
  email_confirmed_at: Date | null
  confirmation_token: string | null
  confirmation_sent_at: Date | null
  recovery_token: string | null
  recovery_sent_at: Date | null
  last_sign_in_at: Date | null
  raw_app_meta_data: Record<string, unknown> | null
  raw_user_meta_data: Record<string, unknown> | null
  banned_until: Date | null
  created_at: Date
  updated_at: Date
}

type Db = Sql | TransactionSql

/** GoTrue's error shape; supabase-js reads `error_code` and `msg`. */
function authError(status: number, code: string, msg: string, extra: Record<string, unknown> = {}) {
  return new HttpError(status, code, msg, extra)
}

function iso(date: Date | null): string | undefined {
  return date ? date.toISOString() : undefined
}

function userJson(user: UserRow) {
  return {
    id: user.id,
    aud: user.aud ?? 'authenticated',
    role: user.role ?? 'authenticated',
    email: user.email,
    email_confirmed_at: iso(user.email_confirmed_at),
    phone: '',
    confirmation_sent_at: iso(user.confirmation_sent_at),
    confirmed_at: iso(user.email_confirmed_at),
    recovery_sent_at: iso(user.recovery_sent_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: [
      {
        identity_id: user.id,
        id: user.id,
        user_id: user.id,
        identity_data: {
          sub: user.id,
          email: user.email,
          email_verified: !!user.email_confirmed_at,
        },
        provider: 'email',
        last_sign_in_at: iso(user.last_sign_in_at),
        created_at: user.created_at.toISOString(),
        updated_at: user.updated_at.toISOString(),
        email: user.email,
      },
    ],
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    is_anonymous: false,
  }
}

function str(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key]
  return typeof value === 'string' ? value : undefined
}

function normalizeEmail(value: string | undefined): string {
  const email = (value ?? '').trim().toLowerCase()
  if (!email) throw authError(400, 'validation_failed', 'To signup, please provide your email')
  if (!EMAIL_PATTERN.test(email) || email.length > 255) {
    throw authError(400, 'validation_failed', 'Unable to validate email address: invalid format')
  }
  return email
}

function checkPasswordStrength(password: string | undefined): string {
  if (typeof password !== 'string' || password === '') {
    throw authError(422, 'validation_failed', 'Signup requires a valid password')
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw authError(
      422,
      'weak_password',
      `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`,
      { weak_password: { reasons: ['length'] } },
    )
  }
  if (password.length > 72) {
    throw authError(422, 'validation_failed', 'Password cannot be longer than 72 characters')
  }
  return password
}

/** Metadata comes from the client, so only plain JSON objects are accepted. */
function metadata(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw authError(400, 'validation_failed', 'data must be a JSON object')
  }
  return value as Record<string, unknown>
}

function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url')
}

function tokenHash(token: string): string {
  return createHash('sha224').update(token).digest('hex')
}

/** Postgres errors a signup trigger raises for bad input (unique username, checks, raise). */
function isInputError(error: unknown): error is { code: string; message: string; detail?: string } {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && /^(23505|23514|23502|22\w{3}|P0001)$/.test(code)
}

export function createAuthEmulator(options: AuthEmulatorOptions) {
  const { sql, keys, log } = options
  const failedSignins = new Map<string, number[]>()

  function allowedRedirect(value: string | null | undefined): string {
    if (!value) return options.siteUrl
    try {
      const url = new URL(value)
      const site = new URL(options.siteUrl)
      // Locally any loopback origin is a fine landing page; anything else is an open redirect.
      if (url.origin === site.origin || ['127.0.0.1', 'localhost'].includes(url.hostname)) {
        return url.toString()
      }
    } catch {
      // fall through to the site URL
    }
    return options.siteUrl
  }

  async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
    const rows = await db<UserRow[]>`
      select * from auth.users where lower(email) = ${email} and deleted_at is null limit 1`
    return rows[0]
  }

  async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
    const rows = await db<
      UserRow[]
    >`select * from auth.users where id = ${id} and deleted_at is null`
    return rows[0]
  }

  async function issueSession(db: Db, user: UserRow, sessionId: string, refreshToken: string) {
    const claims: Omit<AccessClaims, 'iss' | 'iat' | 'exp'> = {
      sub: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: user.email,
      session_id: sessionId,
      aal: 'aal1',
      app_metadata: user.raw_app_meta_data ?? { provider: 'email', providers: ['email'] },
      user_metadata: user.raw_user_meta_data ?? {},
    }
    const accessToken = await keys.sign(claims, ACCESS_TOKEN_LIFETIME_SECONDS)
    const fresh = (await findUser(db, user.id)) ?? user
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      expires_at: Math.floor(Date.now() / 1000) + ACCESS_TOKEN_LIFETIME_SECONDS,
      refresh_token: refreshToken,
      user: userJson(fresh),
    }
  }

  async function createSession(db: Db, user: UserRow, req: IncomingMessage) {
    const sessionId = randomUUID()
    const refreshToken = randomToken()
    const userAgent = req.headers['user-agent'] ?? null
    await db`
      insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent)
      values (${sessionId}, ${user.id}, now(), now(), 'aal1', ${userAgent})`
    await db`
      insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, session_id)
      values (${refreshToken}, ${user.id}, false, now(), now(), ${sessionId})`
    await db`update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${user.id}`
    return issueSession(db, user, sessionId, refreshToken)
  }

  function emailLink(type: 'signup' | 'recovery', token: string, redirectTo: string): string {
    const url = new URL(`${options.publicUrl}/auth/v1/verify`)
    url.searchParams.set('token', token)
    url.searchParams.set('type', type)
    url.searchParams.set('redirect_to', redirectTo)
    return url.toString()
  }

  async function sendConfirmation(user: UserRow, redirectTo: string) {
    const token = tokenHash(randomToken())
    await sql`
      update auth.users set confirmation_token = ${token}, confirmation_sent_at = now()
       where id = ${user.id}`
    const link = emailLink('signup', token, redirectTo)
    await options.sendMail({
      to: user.email,
      subject: 'Confirm your RugbyCodex account',
      text: `Welcome to RugbyCodex.\n\nConfirm your email address:\n${link}\n`,
      html: `<p>Welcome to RugbyCodex.</p><p><a href="${link}">Confirm your email address</a></p>`,
    })
  }

  async function requireClaims(req: IncomingMessage): Promise<AccessClaims> {
    const header = req.headers.authorization ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    if (!match) {
      throw authError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
    }
    try {
      return await keys.verify((match[1] as string).trim())
    } catch (error) {
      throw authError(
        403,
        'bad_jwt',
        `invalid JWT: unable to parse or verify signature, ${(error as Error).message}`,
      )
    }
  }

  async function requireSessionUser(req: IncomingMessage) {
    const claims = await requireClaims(req)
    const sessions = await sql`select 1 from auth.sessions where id = ${claims.session_id}`
    if (sessions.length === 0) {
      throw authError(
        403,
        'session_not_found',
        'Session from session_id claim in JWT does not exist',
      )
    }
    const user = await findUser(sql, claims.sub)
    if (!user) throw authError(404, 'user_not_found', 'User from sub claim in JWT does not exist')
    return { claims, user }
  }

  function noteFailedSignin(email: string) {
    const now = Date.now()
    const recent = (failedSignins.get(email) ?? []).filter(
      (t) => now - t < FAILED_SIGNINS_WINDOW_MS,
    )
    recent.push(now)
    failedSignins.set(email, recent)
  }

  function checkSigninRate(email: string) {
    const now = Date.now()
    const recent = (failedSignins.get(email) ?? []).filter(
      (t) => now - t < FAILED_SIGNINS_WINDOW_MS,
    )
    if (recent.length >= FAILED_SIGNINS_LIMIT) {
      throw authError(429, 'over_request_rate_limit', 'Request rate limit reached')
    }
  }

  async function signup(req: IncomingMessage, query: URLSearchParams) {
    const body = await readJson(req)
    const email = normalizeEmail(str(body, 'email'))
    const password = checkPasswordStrength(str(body, 'password'))
    const data = metadata(body.data)
    const redirectTo = allowedRedirect(query.get('redirect_to'))
    const passwordHash = await hashPassword(password)

    let result: { user: UserRow; session?: Awaited<ReturnType<typeof createSession>> }
    try {
      result = await sql.begin(async (tx) => {
        if (await findUserByEmail(tx, email)) {
          throw authError(422, 'user_already_exists', 'User already registered')
        }
        const id = randomUUID()
        const appMeta = { provider: 'email', providers: ['email'] }
        const rows = await tx<UserRow[]>`
          insert into auth.users (
            instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
            raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_super_admin
          ) values (
            '00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', 'authenticated',
            ${email}, ${passwordHash}, ${options.autoconfirm ? new Date() : null},
            ${tx.json(appMeta)}, ${tx.json(data as Parameters<typeof tx.json>[0])}, now(), now(), false
          ) returning *`
        const user = rows[0] as UserRow
        await tx`
          insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
          values (${id}, ${id}, ${tx.json({ sub: id, email, email_verified: options.autoconfirm })},
                  'email', now(), now())`
        const session = options.autoconfirm ? await createSession(tx, user, req) : undefined
        return { user, session }
      })
    } catch (error) {
      if (error instanceof HttpError) throw error
      if (isInputError(error)) {
        const detail = (error as { detail?: string }).detail
        throw authError(
          422,
          'validation_failed',
          `Database error saving new user: ${detail ?? error.message}`,
        )
      }
      throw error
    }
    await sendConfirmation(result.user, redirectTo)
    log(`signup ${email}${options.autoconfirm ? ' (autoconfirmed)' : ''}`)
    if (result.session) return result.session
    const fresh = (await findUser(sql, result.user.id)) ?? result.user
    return userJson(fresh)
  }

  async function passwordGrant(req: IncomingMessage) {
    const body = await readJson(req)
    const email = (str(body, 'email') ?? '').trim().toLowerCase()
    const password = str(body, 'password') ?? ''
    if (!email || !password) {
      throw authError(400, 'validation_failed', 'missing email or phone')
    }
    checkSigninRate(email)
    const user = await findUserByEmail(sql, email)
    if (!user || !(await verifyPassword(password, user.encrypted_password))) {
      noteFailedSignin(email)
      throw authError(400, 'invalid_credentials', 'Invalid login credentials')
    }
    if (user.banned_until && user.banned_until > new Date()) {
      throw authError(400, 'user_banned', 'User is banned')
    }
    if (!user.email_confirmed_at) {
      throw authError(400, 'email_not_confirmed', 'Email not confirmed')
    }
    failedSignins.delete(email)
    return sql.begin((tx) => createSession(tx, user, req))
  }

  async function refreshGrant(req: IncomingMessage) {
    const body = await readJson(req)
    const token = str(body, 'refresh_token')
    if (!token) throw authError(400, 'validation_failed', 'refresh_token required')
    return sql.begin(async (tx) => {
      const rows = await tx<
        { id: string; token: string; user_id: string; revoked: boolean; session_id: string }[]
      >`select id, token, user_id::text, revoked, session_id::text
          from auth.refresh_tokens where token = ${token} for update`
      const current = rows[0]
      if (!current) {
        throw authError(
          400,
          'refresh_token_not_found',
          'Invalid Refresh Token: Refresh Token Not Found',
        )
      }
      const user = await findUser(tx, current.user_id)
      if (!user) throw authError(404, 'user_not_found', 'User not found')
      if (current.revoked) {
        const children = await tx<{ token: string; created_at: Date }[]>`
          select token, created_at from auth.refresh_tokens
           where parent = ${token} and revoked = false order by id desc limit 1`
        const child = children[0]
        if (child && Date.now() - child.created_at.getTime() < REFRESH_REUSE_INTERVAL_MS) {
          return issueSession(tx, user, current.session_id, child.token)
        }
        // Replaying an old token outside the grace window looks like theft: end the session.
        await tx`delete from auth.sessions where id = ${current.session_id}`
        throw authError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used')
      }
      const next = randomToken()
      await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${current.id}`
      await tx`
        insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, parent, session_id)
        values (${next}, ${user.id}, false, now(), now(), ${token}, ${current.session_id})`
      await tx`update auth.sessions set refreshed_at = now(), updated_at = now() where id = ${current.session_id}`
      return issueSession(tx, user, current.session_id, next)
    })
  }

  async function updateUser(req: IncomingMessage) {
    const { user } = await requireSessionUser(req)
    const body = await readJson(req)
    if (body.email !== undefined && body.email !== user.email) {
      throw authError(
        422,
        'validation_failed',
        'Changing the email address is not supported locally',
      )
    }
    const password = str(body, 'password')
    if (password !== undefined) {
      checkPasswordStrength(password)
      if (await verifyPassword(password, user.encrypted_password)) {
        throw authError(
          422,
          'same_password',
          'New password should be different from the old password.',
        )
      }
      const hash = await hashPassword(password)
      await sql`
        update auth.users set encrypted_password = ${hash}, recovery_token = null, updated_at = now()
         where id = ${user.id}`
    }
    if (body.data !== undefined) {
      const merged: Record<string, unknown> = { ...(user.raw_user_meta_data ?? {}) }
      for (const [key, value] of Object.entries(metadata(body.data))) {
        if (value === null) delete merged[key]
        else merged[key] = value
      }
      try {
        await sql`
          update auth.users set raw_user_meta_data = ${sql.json(merged as Parameters<typeof sql.json>[0])},
                 updated_at = now()
           where id = ${user.id}`
      } catch (error) {
        if (isInputError(error)) throw authError(422, 'validation_failed', error.message)
        throw error
      }
    }
    const fresh = (await findUser(sql, user.id)) ?? user
    return userJson(fresh)
  }

  async function logout(req: IncomingMessage, query: URLSearchParams) {
    const claims = await requireClaims(req)
    const scope = query.get('scope') ?? 'global'
    if (scope === 'local') {
      await sql`delete from auth.sessions where id = ${claims.session_id}`
    } else if (scope === 'others') {
      await sql`delete from auth.sessions where user_id = ${claims.sub} and id <> ${claims.session_id}`
    } else {
      await sql`delete from auth.sessions where user_id = ${claims.sub}`
    }
  }

  async function recover(req: IncomingMessage, query: URLSearchParams) {
    const body = await readJson(req)
    const email = normalizeEmail(str(body, 'email'))
    const redirectTo = allowedRedirect(query.get('redirect_to') ?? str(body, 'redirect_to'))
    const user = await findUserByEmail(sql, email)
    // Unknown addresses get the same answer, so the endpoint cannot probe for accounts.
    if (!user) return {}
    const sentAt = user.recovery_sent_at?.getTime() ?? 0
    const wait = Math.ceil((sentAt + EMAIL_RESEND_INTERVAL_MS - Date.now()) / 1000)
    if (wait > 0) {
      throw authError(
        429,
        'over_email_send_rate_limit',
        `For security purposes, you can only request this after ${wait} seconds.`,
      )
    }
    const token = tokenHash(randomToken())
    await sql`
      update auth.users set recovery_token = ${token}, recovery_sent_at = now() where id = ${user.id}`
    const link = emailLink('recovery', token, redirectTo)
    await options.sendMail({
      to: user.email,
      subject: 'Reset your RugbyCodex password',
      text: `Someone asked to reset the password of this account.\n\nChoose a new password:\n${link}\n\nIf it was not you, ignore this mail.`,
      html: `<p>Someone asked to reset the password of this account.</p><p><a href="${link}">Choose a new password</a></p><p>If it was not you, ignore this mail.</p>`,
    })
    return {}
  }

  async function resend(req: IncomingMessage, query: URLSearchParams) {
    const body = await readJson(req)
    if (str(body, 'type') !== 'signup') {
      throw authError(400, 'validation_failed', 'Only type "signup" can be resent locally')
    }
    const email = normalizeEmail(str(body, 'email'))
    const user = await findUserByEmail(sql, email)
    if (user && !user.email_confirmed_at) {
      const sentAt = user.confirmation_sent_at?.getTime() ?? 0
      const wait = Math.ceil((sentAt + EMAIL_RESEND_INTERVAL_MS - Date.now()) / 1000)
      if (wait > 0) {
        throw authError(
          429,
          'over_email_send_rate_limit',
          `For security purposes, you can only request this after ${wait} seconds.`,
        )
      }
      await sendConfirmation(user, allowedRedirect(query.get('redirect_to')))
    }
    return {}
  }

  /** Consumes a mailed token; returns a fresh session for its user. */
  async function consumeEmailToken(type: string, token: string, req: IncomingMessage) {
    if (type !== 'recovery' && type !== 'signup' && type !== 'email' && type !== 'magiclink') {
      throw authError(400, 'validation_failed', `Verify requires a valid type, got "${type}"`)
    }
    const expired = () => authError(403, 'otp_expired', 'Token has expired or is invalid')
    if (!token) throw expired()
    return sql.begin(async (tx) => {
      const byRecovery = type === 'recovery' || type === 'magiclink'
      const rows = byRecovery
        ? await tx<UserRow[]>`select * from auth.users where recovery_token = ${token} for update`
        : await tx<
            UserRow[]
          >`select * from auth.users where confirmation_token = ${token} for update`
      const user = rows[0]
      const sentAt = byRecovery ? user?.recovery_sent_at : user?.confirmation_sent_at
      if (!user || !sentAt || Date.now() - sentAt.getTime() > EMAIL_LINK_LIFETIME_MS)
        throw expired()
      if (byRecovery) {
        await tx`
          update auth.users set recovery_token = null,
                 email_confirmed_at = coalesce(email_confirmed_at, now()) where id = ${user.id}`
      } else {
        await tx`
          update auth.users set confirmation_token = null,
                 email_confirmed_at = coalesce(email_confirmed_at, now()) where id = ${user.id}`
      }
      return createSession(tx, user, req)
    })
  }

  async function verifyPost(req: IncomingMessage) {
    const body = await readJson(req)
    const type = str(body, 'type') ?? ''
    const token = str(body, 'token_hash') ?? str(body, 'token') ?? ''
    return consumeEmailToken(type, token, req)
  }

  /** Mail links land here; like GoTrue, the session travels in the redirect's URL fragment. */
  async function verifyGet(req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
    const type = query.get('type') ?? ''
    const redirectTo = allowedRedirect(query.get('redirect_to'))
    let fragment: URLSearchParams
    try {
      const session = await consumeEmailToken(type, query.get('token') ?? '', req)
      fragment = new URLSearchParams({
        access_token: session.access_token,
        expires_at: String(session.expires_at),
        expires_in: String(session.expires_in),
        refresh_token: session.refresh_token,
        token_type: 'bearer',
        type,
      })
    } catch (error) {
      if (!(error instanceof HttpError)) throw error
      fragment = new URLSearchParams({
        error: 'access_denied',
        error_code: error.code,
        error_description: error.message,
      })
    }
    const target = new URL(redirectTo)
    target.hash = fragment.toString()
    res.writeHead(303, { location: target.toString() })
    res.end()
  }

  function settings() {
    return {
      external: { email: true, phone: false, anonymous_users: false },
      disable_signup: false,
      mailer_autoconfirm: options.autoconfirm,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
    }
  }

  /** Handles `/auth/v1<path>`; every failure leaves in GoTrue's error shape. */
  return async function handleAuth(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    extraHeaders: Record<string, string> = {},
  ): Promise<void> {
    const method = req.method ?? 'GET'
    const reply = (status: number, body: unknown) => sendJson(res, status, body, extraHeaders)
    try {
      const route = `${method} ${path.replace(/\/+$/, '') || '/'}`
      switch (route) {
        case 'GET /health':
          return reply(200, {
            version: 'rugbycodex-local',
            name: 'GoTrue',
            description: 'Local auth emulator',
          })
        case 'GET /settings':
          return reply(200, settings())
        case 'GET /.well-known/jwks.json':
          return reply(200, keys.jwks)
        case 'POST /signup':
          return reply(200, await signup(req, query))
        case 'POST /token': {
          const grant = query.get('grant_type')
          if (grant === 'password') return reply(200, await passwordGrant(req))
          if (grant === 'refresh_token') return reply(200, await refreshGrant(req))
          throw authError(400, 'validation_failed', `unsupported_grant_type: ${grant ?? '(none)'}`)
        }
        case 'GET /user':
          return reply(200, userJson((await requireSessionUser(req)).user))
        case 'PUT /user':
          return reply(200, await updateUser(req))
        case 'POST /logout':
          await logout(req, query)
          res.writeHead(204, extraHeaders)
          res.end()
          return
        case 'POST /recover':
          return reply(200, await recover(req, query))
        case 'POST /resend':
          return reply(200, await resend(req, query))
        case 'POST /verify':
          return reply(200, await verifyPost(req))
        case 'GET /verify':
          return await verifyGet(req, res, query)
        default:
          throw authError(
            404,
            'not_found',
            `${method} /auth/v1${path} is not served by the local auth emulator`,
          )
      }
    } catch (error) {
      if (error instanceof HttpError) {
        return reply(error.status, {
          code: error.status,
          error_code: error.code,
          msg: error.message,
          ...error.extra,
        })
      }
      log(`error ${method} ${path}: ${(error as Error).stack ?? String(error)}`)
      return reply(500, {
        code: 500,
        error_code: 'unexpected_failure',
        msg: 'Unexpected failure, please check server logs for more information',
      })
    }
  }
}

export type AuthHandler = ReturnType<typeof createAuthEmulator>
