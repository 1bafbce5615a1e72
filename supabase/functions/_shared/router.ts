// A small router shared by the domain functions. Each function (me, orgs, media, …) is one
// Deno.serve entry that maps method + path to handlers; this file owns the request lifecycle:
// CORS preflight, request id, authentication, rate limiting, error envelope and the log line.
import { authenticate, type AuthUser } from './auth.ts'
import { corsHeaders, errorBody, errorResponse, HttpError, json, requestIdOf } from './http.ts'
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
  /** Present on routes declared with `auth: 'user'`. */
  user: AuthUser
  /** Handlers record the org they acted on, for the log line. */
  logOrg(orgId: string): void
}

export type Handler = (ctx: Context) => Promise<Response> | Response

export interface Route {
  method: string
  pattern: string
  auth?: 'user' | 'none'
  handler: Handler
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
        const needsUser = (hit.route.auth ?? 'user') === 'user'
        await limitByIp(req, fn, !needsUser)
        let user = undefined as unknown as AuthUser
        if (needsUser) {
          user = await authenticate(req)
          userId = user.id
          await limitByUser(user.id, fn)
        }
        response = await hit.route.handler({
          req,
          url,
          path,
          params,
          requestId,
          fn,
          user,
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
