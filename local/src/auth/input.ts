// What the auth emulator accepts from a client, with GoTrue's refusals for everything else.
import { createHash, randomBytes } from 'node:crypto'
import { HttpError } from '../http'

const MIN_PASSWORD_LENGTH = 6
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** GoTrue's error shape; supabase-js reads `error_code` and `msg`. */
export function authError(
  status: number,
  code: string,
  msg: string,
  extra: Record<string, unknown> = {},
) {
  return new HttpError(status, code, msg, extra)
}

export function str(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key]
  return typeof value === 'string' ? value : undefined
}

export function normalizeEmail(value: string | undefined): string {
  const email = (value ?? '').trim().toLowerCase()
  if (!email) throw authError(400, 'validation_failed', 'To signup, please provide your email')
  if (!EMAIL_PATTERN.test(email) || email.length > 255) {
    throw authError(400, 'validation_failed', 'Unable to validate email address: invalid format')
  }
  return email
}

export function checkPasswordStrength(password: string | undefined): string {
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
export function metadata(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw authError(400, 'validation_failed', 'data must be a JSON object')
  }
  return value as Record<string, unknown>
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url')
}

export function tokenHash(token: string): string {
  return createHash('sha224').update(token).digest('hex')
}

/** Postgres errors a signup trigger raises for bad input (unique username, checks, raise). */
export function isInputError(
  error: unknown,
): error is { code: string; message: string; detail?: string } {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && /^(23505|23514|23502|22\w{3}|P0001)$/.test(code)
}
