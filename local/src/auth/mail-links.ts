// The flows that go through a mailed link: sign-up confirmation, password recovery, resend, and
// /verify, which consumes a link's token and starts a session.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError, readJson } from '../http'
import { authError, normalizeEmail, randomToken, str, tokenHash } from './input'
import type { AuthEmulatorOptions } from './options'
import type { Sessions } from './sessions'
import { findUserByEmail, type UserRow } from './users'

const EMAIL_LINK_LIFETIME_MS = 60 * 60 * 1000
const EMAIL_RESEND_INTERVAL_MS = 60 * 1000

/** GoTrue refuses a second mail of a kind within the resend interval, saying how long to wait. */
function assertResendAllowed(sentAt: Date | null) {
  const wait = Math.ceil(((sentAt?.getTime() ?? 0) + EMAIL_RESEND_INTERVAL_MS - Date.now()) / 1000)
  if (wait > 0) {
    throw authError(
      429,
      'over_email_send_rate_limit',
      `For security purposes, you can only request this after ${wait} seconds.`,
    )
  }
}

export function createMailLinks(options: AuthEmulatorOptions, sessions: Sessions) {
  const { sql } = options

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

  async function recover(req: IncomingMessage, query: URLSearchParams) {
    const body = await readJson(req)
    const email = normalizeEmail(str(body, 'email'))
    const redirectTo = allowedRedirect(query.get('redirect_to') ?? str(body, 'redirect_to'))
    const user = await findUserByEmail(sql, email)
    // Unknown addresses get the same answer, so the endpoint cannot probe for accounts.
    if (!user) return {}
    assertResendAllowed(user.recovery_sent_at)
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
      assertResendAllowed(user.confirmation_sent_at)
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
    const byRecovery = type === 'recovery' || type === 'magiclink'
    const column = byRecovery ? 'recovery_token' : 'confirmation_token'
    return sql.begin(async (tx) => {
      const rows = await tx<UserRow[]>`
        select * from auth.users where ${tx(column)} = ${token} for update`
      const user = rows[0]
      const sentAt = byRecovery ? user?.recovery_sent_at : user?.confirmation_sent_at
      if (!user || !sentAt || Date.now() - sentAt.getTime() > EMAIL_LINK_LIFETIME_MS)
        throw expired()
      await tx`
        update auth.users set ${tx(column)} = null,
               email_confirmed_at = coalesce(email_confirmed_at, now()) where id = ${user.id}`
      return sessions.createSession(tx, user, req)
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

  return { allowedRedirect, sendConfirmation, recover, resend, verifyPost, verifyGet }
}
