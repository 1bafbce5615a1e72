// The platform's `verify_jwt` gateway check, as hosted Supabase applies it before a function runs.
//
// Hosted accepts only a *legacy* project JWT: HS256, signed with the project's legacy JWT secret,
// not expired (any role: the legacy anon and service_role keys are such JWTs). It refuses the ES256
// tokens Supabase Auth signs with asymmetric signing keys, and the `sb_publishable_…` /
// `sb_secret_…` API keys, which are not JWTs (supabase/supabase#42244, #44530; troubleshooting
// guide "Edge Function 401 error response"). The self-hosted and CLI gateways also accept
// ES256/RS256 against the JWKS; we imitate hosted, the stricter one (PROD-1).
//
// Answers follow the platform contract shared by the CLI (supabase/cli#5862) and self-hosted
// (supabase/supabase#48012): 401, body `{ code, message }`, the code again in `sb-error-code`.
// The ES256 message is the one hosted answers ("Unsupported JWT algorithm: ES256").
import { decodeProtectedHeader, jwtVerify } from 'jose'

export interface JwtCheckFailure {
  code: string
  message: string
}

const failures = {
  missingHeader: { code: 'UNAUTHORIZED_NO_AUTH_HEADER', message: 'Missing authorization header' },
  invalidFormat: { code: 'UNAUTHORIZED_INVALID_JWT_FORMAT', message: 'Invalid JWT format' },
  invalidLegacy: { code: 'UNAUTHORIZED_LEGACY_JWT', message: 'Invalid JWT' },
  unsupported: (alg: string | undefined): JwtCheckFailure => ({
    code: 'UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM',
    message: `Unsupported JWT algorithm: ${alg ?? 'none'}`,
  }),
} satisfies Record<string, JwtCheckFailure | ((alg: string | undefined) => JwtCheckFailure)>

/** Returns why the platform would refuse `authorization`, or undefined when it lets it through. */
export async function checkLegacyJwt(
  authorization: string | undefined,
  legacySecret: Uint8Array,
): Promise<JwtCheckFailure | undefined> {
  if (!authorization) return failures.missingHeader
  const parts = authorization.split(' ')
  const [scheme, token] = parts
  if (scheme !== 'Bearer' || parts.length !== 2 || !token) return failures.invalidFormat
  let alg: string | undefined
  try {
    alg = decodeProtectedHeader(token).alg
  } catch {
    return failures.invalidFormat
  }
  if (alg !== 'HS256') return failures.unsupported(alg)
  try {
    // jwtVerify checks `exp` and `nbf` when present; the platform asks nothing of iss/aud/role.
    await jwtVerify(token, legacySecret, { algorithms: ['HS256'] })
  } catch {
    return failures.invalidLegacy
  }
  return undefined
}
