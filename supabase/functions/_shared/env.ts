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

export function jwtIssuer(): string {
  return env('SUPABASE_JWT_ISSUER') ?? `${supabaseUrl()}/auth/v1`
}

export function jwksUrl(): string {
  return `${supabaseUrl()}/auth/v1/.well-known/jwks.json`
}

export function intEnv(name: string, fallback: number): number {
  const raw = env(name)
  if (raw === undefined) return fallback
  const parsed = Number(raw)
  return Number.isFinite(parsed) ? parsed : fallback
}
