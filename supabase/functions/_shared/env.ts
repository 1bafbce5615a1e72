// One place that reads configuration, so names match docs/contracts.md and tests can override them.

export function env(name: string): string | undefined {
  const value = Deno.env.get(name)
  return value === undefined || value === '' ? undefined : value
}

export function requireEnv(name: string): string {
  const value = env(name)
  if (value === undefined) throw new Error(`missing environment variable ${name}`)
  return value
}

export function supabaseUrl(): string {
  return requireEnv('SUPABASE_URL').replace(/\/+$/, '')
}

// Names the platform injects and names a project can set. `supabase secrets set` refuses any
// name starting with SUPABASE_ (supabase/cli internal/secrets/set), so a SUPABASE_* override can
// only ever be local; production values come from SUPABASE_URL or from a non-SUPABASE_ secret.

/**
 * The `iss` of the project's access tokens: `${SUPABASE_URL}/auth/v1`, as Supabase Auth signs
 * them. SB_JWT_ISSUER (the name Supabase's own examples use) overrides it where the issuer differs,
 * e.g. behind a custom domain; SUPABASE_JWT_ISSUER is the local platform's override.
 */
export function jwtIssuer(): string {
  return env('SB_JWT_ISSUER') ?? env('SUPABASE_JWT_ISSUER') ?? `${supabaseUrl()}/auth/v1`
}

export function jwksUrl(): string {
  return `${supabaseUrl()}/auth/v1/.well-known/jwks.json`
}

/**
 * The project's legacy HS256 JWT secret, for projects still signing user tokens with it. Hosted
 * Supabase injects it into no function, so it is a project secret named JWT_SECRET (the name the
 * self-hosted edge runtime gives it); SUPABASE_JWT_SECRET is the local platform's override.
 */
export function legacyJwtSecret(): string | undefined {
  return env('JWT_SECRET') ?? env('SUPABASE_JWT_SECRET')
}

/**
 * Values of a keys dictionary the platform injects as JSON (`{"default":"sb_publishable_…"}`;
 * every value counts) plus the legacy single key. Malformed JSON counts as no keys: an
 * unparseable setting must never widen who gets in.
 */
function keyValues(dictionary: string, legacy: string): string[] {
  const values = new Set<string>()
  const raw = env(dictionary)
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const value of Object.values(parsed)) {
          if (typeof value === 'string' && value !== '') values.add(value)
        }
      }
    } catch {
      // fall through to the legacy name
    }
  }
  const single = env(legacy)
  if (single) values.add(single)
  return [...values]
}

/** Publishable keys: SUPABASE_PUBLISHABLE_KEYS, and the legacy SUPABASE_ANON_KEY. */
export const publishableKeys = () => keyValues('SUPABASE_PUBLISHABLE_KEYS', 'SUPABASE_ANON_KEY')

/** Secret keys: SUPABASE_SECRET_KEYS, and the legacy SUPABASE_SERVICE_ROLE_KEY. */
export const secretKeys = () => keyValues('SUPABASE_SECRET_KEYS', 'SUPABASE_SERVICE_ROLE_KEY')

/** SUPABASE_JWKS, the inline key set hosted injects (`{"keys":[…]}`; a bare array is accepted). */
export function inlineJwks(): { keys: Record<string, unknown>[] } | undefined {
  const raw = env('SUPABASE_JWKS')
  if (!raw) return undefined
  try {
    const parsed: unknown = JSON.parse(raw)
    const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown } | null)?.keys
    return Array.isArray(keys) ? { keys } : undefined
  } catch {
    return undefined
  }
}

export function intEnv(name: string, fallback: number): number {
  const raw = env(name)
  if (raw === undefined) return fallback
  const parsed = Number(raw)
  return Number.isFinite(parsed) ? parsed : fallback
}
