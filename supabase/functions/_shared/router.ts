// A small router shared by the domain functions. Each function (me, orgs, media, …) is one
// Deno.serve entry that maps method + path to handlers; this file owns the request lifecycle:
// CORS preflight, request id, authentication, rate limiting, error envelope and the log line.
import {
  authenticate,
  type AuthUser,
  bearerToken,
  hasPublishableKey,
  hasSecretKey,
  isApiKey,
} from './auth.ts'
import {
  corsHeaders,
  errorBody,
  errorResponse,
  HttpError,
  json,
  requestIdOf,
  unauthorized,
} from './http.ts'
import { writeLog } from './log.ts'
import { limitByIp, limitByUser } from './ratelimit.ts'

export interface Context {
  req: Request
  url: URL
  /** Path below the function name, always starting with `/` (`/` for the function root). */
  path: string
  params: Record<string, string>
  requestId: string
  fn: string
  /** Present when the request authenticated as a user (`authMode === 'user'`). */
  user: AuthUser
  /** The credential this request passed with (the first of the route's modes that matched). */
  authMode: AuthMode
  /** Handlers record the org they acted on, for the log line. */
  logOrg(orgId: string): void
}

export type Handler = (ctx: Context) => Promise<Response> | Response

/**
 * What a route accepts, checked before it runs (the platform's verify_jwt is off everywhere):
 * - `user` (the default): a user access token, verified against the JWKS;
 * - `secret`: a secret key (service calls such as the cron), in `apikey` or as the bearer;
 * - `publishable`: the publishable key in `apikey`, no user (forms used before signing in);
 * - `token`: a `?token=` in the URL that the handler verifies (links that cannot send headers);
 * - `none`: nothing at all (health checks for load balancers).
 * A list accepts any of its modes, tried in order, as @supabase/server's `auth` does.
 */
export type AuthMode = 'user' | 'secret' | 'publishable' | 'token' | 'none'

export interface Route {
  method: string
  pattern: string
  auth?: AuthMode | AuthMode[]
  handler: Handler
}

const modesOf = (route: Route): AuthMode[] =>
  Array.isArray(route.auth) ? route.auth : [route.auth ?? 'user']

// Strictest first: what a path no route answers demands, so nothing public unlocks a 404 there.
const STRICTNESS: AuthMode[] = ['user', 'secret', 'publishable', 'token', 'none']

function strictestOf(routes: Route[]): AuthMode {
  const present = new Set(routes.flatMap(modesOf))
  return STRICTNESS.find((mode) => present.has(mode)) ?? 'none'
}

const REFUSAL: Record<AuthMode, string> = {
  user: 'Sign in to continue.',
  secret: 'This endpoint needs the project secret key.',
  publishable: "This endpoint needs the project's publishable key in the apikey header.",
  token: 'This link needs its playback token.',
  none: '',
}

/**
 * The first of `modes` the request satisfies; a user token that is present but invalid is a
 * 401 at once (it never falls through to a weaker mode).
 */
async function authorize(
  req: Request,
  url: URL,
  modes: AuthMode[],
): Promise<{ mode: AuthMode; user?: AuthUser }> {
  for (const mode of modes) {
    switch (mode) {
      case 'none':
        return { mode }
      case 'token':
        if (url.searchParams.get('token')) return { mode }
        break
      case 'publishable':
        if (hasPublishableKey(req)) return { mode }
        break
      case 'secret':
        if (hasSecretKey(req)) return { mode }
        break
      case 'user': {
        // supabase-js sends the publishable key as the bearer when signed out: with other
        // modes on offer that is not a failed sign-in but a credential for one of them.
        const token = bearerToken(req)
        const applies = token ? !(modes.length > 1 && isApiKey(token)) : modes.length === 1
        if (applies) return { mode, user: await authenticate(req) }
        break
      }
    }
  }
  throw unauthorized(REFUSAL[modes[0] ?? 'user'])
}

interface CompiledRoute extends Route {
  regex: RegExp
  names: string[]
}

function compile(route: Route): CompiledRoute {
  const names: string[] = []
  const source = route.pattern
    .replace(/\/+$/, '')
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1))
        return '([^/]+)'
      }
      if (part === '*') {
        names.push('rest')
        return '(.+)'
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return { ...route, regex: new RegExp(`^${source || ''}/?$`), names }
}

/** Strips `/functions/v1/<fn>` (local host, some gateways) or `/<fn>` (Supabase runtime). */
export function functionPath(pathname: string, fn: string): string {
  let path = pathname
  if (path.startsWith('/functions/v1/')) path = path.slice('/functions/v1'.length)
  if (path === `/${fn}` || path.startsWith(`/${fn}/`)) path = path.slice(fn.length + 1)
  return path === '' ? '/' : path
}

export function createRouter(fn: string, routes: Route[]): (req: Request) => Promise<Response> {
  const compiled = routes.map(compile)
  return async (req: Request) => {
    const started = performance.now()
    const requestId = requestIdOf(req)
    const url = new URL(req.url)
    const path = functionPath(url.pathname, fn)
    let userId: string | undefined
    let orgId: string | undefined
    let routeName = path
    let response: Response
    let errorCode: string | undefined
    let errorText: string | undefined
    try {
      if (req.method === 'OPTIONS') {
        response = new Response(null, { status: 204 })
      } else {
        const byPath = compiled
          .map((route) => ({ route, match: route.regex.exec(path) }))
          .filter((m) => m.match !== null)
        const hit = byPath.find((m) => m.route.method === req.method)
        // Authentication comes before routing: a path no route answers demands the function's
        // strictest credential, so a 404 or 405 never tells a stranger which paths exist.
        const modes = hit
          ? modesOf(hit.route)
          : [strictestOf(byPath.length > 0 ? byPath.map((m) => m.route) : routes)]
        await limitByIp(req, fn, !modes.includes('user'))
        const auth = await authorize(req, url, modes)
        if (auth.user) {
          userId = auth.user.id
          await limitByUser(auth.user.id, fn)
        }
        if (!hit) {
          throw byPath.length > 0
            ? new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here.`)
            : new HttpError(404, 'NOT_FOUND', 'No such endpoint.')
        }
        routeName = hit.route.pattern
        const params: Record<string, string> = {}
        hit.route.names.forEach((name, i) => {
          try {
            params[name] = decodeURIComponent(hit.match![i + 1]!)
          } catch {
            // A malformed %-escape cannot name anything that exists.
            throw new HttpError(404, 'NOT_FOUND', 'No such endpoint.')
          }
        })
        response = await hit.route.handler({
          req,
          url,
          path,
          params,
          requestId,
          fn,
          user: auth.user as AuthUser,
          authMode: auth.mode,
          logOrg: (id) => {
            orgId = id
          },
        })
      }
    } catch (err) {
      if (err instanceof HttpError) {
        response = errorResponse(err)
        errorCode = err.code
      } else {
        const mapped = mapKnownError(err)
        if (mapped) {
          response = errorResponse(mapped)
          errorCode = mapped.code
        } else {
          errorCode = 'INTERNAL'
          errorText = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
          response = json(errorBody('INTERNAL', 'Something went wrong. Try again.'), 500)
        }
      }
    }
    const headers = new Headers(response.headers)
    for (const [k, v] of Object.entries(corsHeaders)) headers.set(k, v)
    headers.set('x-request-id', requestId)
    writeLog({
      ts: new Date().toISOString(),
      level: response.status >= 500 ? 'error' : response.status >= 400 ? 'warn' : 'info',
      requestId,
      fn,
      method: req.method,
      route: routeName,
      status: response.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(userId ? { userId } : {}),
      ...(orgId ? { orgId } : {}),
      ...(errorCode ? { errorCode } : {}),
      ...(errorText ? { error: errorText } : {}),
    })
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    })
  }
}

const PG_STATUS: Record<string, [number, string, string]> = {
  '42501': [403, 'FORBIDDEN', 'You do not have permission to do this.'],
  '23505': [409, 'CONFLICT', 'That already exists.'],
  '23503': [404, 'NOT_FOUND', 'A referenced record does not exist.'],
  P0002: [404, 'NOT_FOUND', 'Not found.'],
  '55000': [409, 'CONFLICT', 'That is not possible in the current state.'],
  '54000': [413, 'LIMIT_EXCEEDED', 'A limit was exceeded.'],
  '22P02': [400, 'VALIDATION_FAILED', 'Some fields are invalid.'],
  '22023': [400, 'VALIDATION_FAILED', 'Some fields are invalid.'],
  '23514': [400, 'VALIDATION_FAILED', 'Some fields are invalid.'],
  '22001': [400, 'VALIDATION_FAILED', 'A text is too long.'],
  '22003': [400, 'VALIDATION_FAILED', 'A number is out of range.'],
  '23502': [400, 'VALIDATION_FAILED', 'A required field is missing.'],
  '57014': [503, 'TIMEOUT', 'The request took too long. Try again.'],
}

/**
 * Database errors caused by the caller's input become 4xx instead of 500s. SQL functions raise
 * SNAKE_CASE names (e.g. JOIN_CODE_EXPIRED) with a human `detail`: both pass through as-is.
 */
export function mapKnownError(err: unknown): HttpError | undefined {
  const pg = err as { code?: string; message?: string; detail?: string } | null
  const known = pg?.code ? PG_STATUS[pg.code] : undefined
  if (!known) return undefined
  const [status, fallbackCode, fallbackMessage] = known
  const named = pg?.message && /^[A-Z][A-Z0-9_]{2,63}$/.test(pg.message) ? pg.message : undefined
  return new HttpError(status, named ?? fallbackCode, (named && pg?.detail) || fallbackMessage)
}

export function serve(fn: string, routes: Route[]): void {
  Deno.serve(createRouter(fn, routes))
}
