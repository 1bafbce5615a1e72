// Sessions, access tokens and the two grants of /token (password, refresh_token), with GoTrue's
// failed sign-in limit and refresh-token reuse rules.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { readJson } from '../http'
import type { AccessClaims } from './keys'
import { authError, randomToken, str } from './input'
import type { AuthEmulatorOptions } from './options'
import { verifyPassword } from './passwords'
import { findUser, findUserByEmail, userJson, type Db, type UserRow } from './users'

export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600
/** GoTrue's default: a rotated refresh token may be replayed briefly (parallel tabs refreshing). */
const REFRESH_REUSE_INTERVAL_MS = 10_000
const FAILED_SIGNINS_LIMIT = 10
const FAILED_SIGNINS_WINDOW_MS = 5 * 60 * 1000

export type Session = Awaited<ReturnType<ReturnType<typeof createSessions>['createSession']>>

export function createSessions(options: Pick<AuthEmulatorOptions, 'sql' | 'keys'>) {
  const { sql, keys } = options
  const failedSignins = new Map<string, number[]>()

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

  /** The failed sign-ins of `email` inside the window, oldest first. */
  function recentFailures(email: string, now: number): number[] {
    return (failedSignins.get(email) ?? []).filter((t) => now - t < FAILED_SIGNINS_WINDOW_MS)
  }

  async function passwordGrant(req: IncomingMessage) {
    const body = await readJson(req)
    const email = (str(body, 'email') ?? '').trim().toLowerCase()
    const password = str(body, 'password') ?? ''
    if (!email || !password) {
      throw authError(400, 'validation_failed', 'missing email or phone')
    }
    if (recentFailures(email, Date.now()).length >= FAILED_SIGNINS_LIMIT) {
      throw authError(429, 'over_request_rate_limit', 'Request rate limit reached')
    }
    const user = await findUserByEmail(sql, email)
    if (!user || !(await verifyPassword(password, user.encrypted_password))) {
      const now = Date.now()
      failedSignins.set(email, [...recentFailures(email, now), now])
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

  return { createSession, requireClaims, requireSessionUser, passwordGrant, refreshGrant }
}

export type Sessions = ReturnType<typeof createSessions>
