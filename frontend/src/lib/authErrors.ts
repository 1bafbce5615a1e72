/** Turns GoTrue error codes into sentences a coach can act on. */
const BY_CODE: Record<string, string> = {
  invalid_credentials:
    'That email and password do not match an account. Check both, or reset your password.',
  email_not_confirmed:
    'Your email is not confirmed yet. Open the link we emailed you, then log in again.',
  user_already_exists: 'An account with this email already exists. Log in instead.',
  email_exists: 'An account with this email already exists. Log in instead.',
  weak_password:
    'That password is too weak. Use at least 8 characters, mixing letters and numbers.',
  over_request_rate_limit: 'Too many attempts. Wait a minute and try again.',
  over_email_send_rate_limit: 'Too many emails sent. Wait a few minutes and try again.',
  validation_failed: 'Some details are not valid. Check the highlighted fields.',
  username_taken: 'That username is taken. Choose another one.',
}

export function authErrorMessage(error: unknown): string {
  const e = error as { code?: string; message?: string; status?: number; name?: string }
  if (e?.code && BY_CODE[e.code]) return BY_CODE[e.code] as string
  if (e?.name === 'AuthRetryableFetchError' || e?.status === 0) {
    return 'Could not reach RugbyCodex. Check your internet connection and try again.'
  }
  if (e?.message && /invalid login/i.test(e.message)) return BY_CODE.invalid_credentials as string
  if (e?.message && /already (registered|exists)/i.test(e.message))
    return BY_CODE.email_exists as string
  return e?.message || 'Something went wrong. Try again in a moment.'
}

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,24}$/

export function usernameProblem(username: string): string | null {
  if (!username) return 'Choose a username.'
  if (username.length < 3 || username.length > 24) return 'Use 3 to 24 characters.'
  if (!USERNAME_PATTERN.test(username)) {
    return 'Use only lowercase letters, digits, dot, underscore and dash.'
  }
  return null
}
