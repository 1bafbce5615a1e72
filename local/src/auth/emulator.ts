// The GoTrue endpoints supabase-js uses, on auth.users and auth.sessions in the local database:
// sign-up and user updates here, sessions and grants in sessions.ts, mailed links in mail-links.ts.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError, readJson, sendJson } from '../http'
import {
  authError,
  checkPasswordStrength,
  isInputError,
  metadata,
  normalizeEmail,
  str,
} from './input'
import { createMailLinks } from './mail-links'
import type { AuthEmulatorOptions } from './options'
import { hashPassword, verifyPassword } from './passwords'
import { createSessions, type Session } from './sessions'
import { findUser, findUserByEmail, userJson, type UserRow } from './users'

export type { AuthEmulatorOptions } from './options'
export { ACCESS_TOKEN_LIFETIME_SECONDS } from './sessions'

export function createAuthEmulator(options: AuthEmulatorOptions) {
  const { sql, keys, log } = options
  const sessions = createSessions(options)
  const { createSession, requireClaims, requireSessionUser, passwordGrant, refreshGrant } = sessions
  const mail = createMailLinks(options, sessions)
  const { allowedRedirect, sendConfirmation, recover, resend, verifyPost, verifyGet } = mail

  async function signup(req: IncomingMessage, query: URLSearchParams) {
    const body = await readJson(req)
    const email = normalizeEmail(str(body, 'email'))
    const password = checkPasswordStrength(str(body, 'password'))
    const data = metadata(body.data)
    const redirectTo = allowedRedirect(query.get('redirect_to'))
    const passwordHash = await hashPassword(password)

    let result: { user: UserRow; session?: Session }
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
