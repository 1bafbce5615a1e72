import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { AuthHandler } from './auth/emulator'
import { repoRoot } from './config'
import { FunctionsConfigError, watchFunctionsConfig } from './functions-config'
import { corsHeaders, sendError, sendJson } from './http'
import type { Log } from './log'
import { checkLegacyJwt } from './verify-jwt'

export interface GatewayOptions {
  port: number
  auth: AuthHandler
  mailbox: (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ) => Promise<void>
  /** Origin of the Deno host, or undefined when functions are off. */
  functionsUrl?: string
  /** The deployed function folders (default `supabase/functions`). */
  functionsDir?: string
  /** Per-function `verify_jwt` (default: `config.toml` beside the functions folder). */
  functionsConfigPath?: string
  /** The project's legacy JWT secret: the only key the platform's `verify_jwt` check accepts. */
  legacyJwtSecret: string
  allowedOrigins: string[]
  services: Record<string, string>
  log: Log
}

export interface Gateway {
  server: Server
  stop(): Promise<void>
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

function isAllowedOrigin(allowed: string[]) {
  return (origin: string) => {
    if (allowed.includes(origin)) return true
    try {
      // Every loopback origin is the developer's own browser (another Vite port, a preview build).
      const { hostname } = new URL(origin)
      return hostname === '127.0.0.1' || hostname === 'localhost'
    } catch {
      return false
    }
  }
}

/**
 * Streams a `/functions/v1/<name>/...` request to the Deno host as `/<name>/...` (what a function
 * sees on Supabase) and streams the answer back.
 */
function proxyToFunctions(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  path: string,
  log: Log,
) {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !hopByHop.has(name)) headers[name] = value
  }
  headers['x-forwarded-host'] = req.headers.host ?? ''
  headers['x-forwarded-proto'] = 'http'
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? ''
  const upstream = httpRequest(
    {
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path,
      headers,
    },
    (answer) => {
      const out: Record<string, string | string[]> = {}
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !hopByHop.has(name)) out[name] = value
      }
      res.writeHead(answer.statusCode ?? 502, out)
      answer.pipe(res)
      answer.on('error', () => res.destroy())
    },
  )
  upstream.on('error', (error) => {
    log(`functions proxy: ${error.message}`)
    if (!res.headersSent)
      sendError(res, 502, 'FUNCTIONS_UNAVAILABLE', 'The functions host did not answer')
    else res.destroy()
  })
  req.on('aborted', () => upstream.destroy())
  req.pipe(upstream)
}

// Supabase function slugs; anything else (`_shared`, `..`, an escape) cannot be a deployed function.
const FUNCTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const allowed = isAllowedOrigin(options.allowedOrigins)
  const functionsTarget = options.functionsUrl ? new URL(options.functionsUrl) : undefined
  const functionsDir = options.functionsDir ?? join(repoRoot, 'supabase', 'functions')
  const functionsConfig = watchFunctionsConfig(
    options.functionsConfigPath ?? join(dirname(functionsDir), 'config.toml'),
  )
  const legacySecret = new TextEncoder().encode(options.legacyJwtSecret)
  // Fail at start, not on the first request, when config.toml is broken.
  functionsConfig()

  /**
   * The platform check in front of a function, or undefined to let the request through. Like
   * the platform, it needs the function to exist (an unknown name is the host's 404) and never
   * stops a CORS preflight, which browsers send without credentials. A function config.toml
   * names counts as deployed even without index.ts (an `entrypoint` elsewhere): fail closed.
   */
  const refuseAtGateway = async (req: IncomingMessage, name: string) => {
    if (req.method === 'OPTIONS' || !FUNCTION_NAME.test(name)) return undefined
    const config = functionsConfig()
    const deployed =
      Object.hasOwn(config.functions, name) || existsSync(join(functionsDir, name, 'index.ts'))
    if (!deployed || !config.verifyJwt(name)) return undefined
    return await checkLegacyJwt(req.headers.authorization, legacySecret)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway.local')
    const path = url.pathname
    const cors = corsHeaders(req.headers.origin, allowed)

    const route = async () => {
      if (path === '/functions/v1' || path.startsWith('/functions/v1/')) {
        if (!functionsTarget) {
          return sendError(
            res,
            503,
            'FUNCTIONS_DISABLED',
            'Edge functions are not running on this platform',
          )
        }
        const rest = path.slice('/functions/v1'.length) || '/'
        let refused
        try {
          refused = await refuseAtGateway(req, rest.split('/')[1] ?? '')
        } catch (error) {
          if (!(error instanceof FunctionsConfigError)) throw error
          // Fail closed: with config.toml unreadable nobody knows which functions verify JWTs.
          options.log(`functions config: ${error.message}`)
          return sendError(res, 500, 'FUNCTIONS_CONFIG_INVALID', error.message)
        }
        if (refused) {
          req.resume()
          return sendJson(res, 401, refused, {
            ...(cors as Record<string, string>),
            'access-control-expose-headers': 'sb-error-code, x-request-id',
            'sb-error-code': refused.code,
          })
        }
        return proxyToFunctions(req, res, functionsTarget, `${rest}${url.search}`, options.log)
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(cors['access-control-allow-origin'] ? 204 : 403, cors)
        return res.end()
      }
      for (const [name, value] of Object.entries(cors)) res.setHeader(name, value)
      if (path === '/auth/v1' || path.startsWith('/auth/v1/')) {
        return options.auth(req, res, path.slice('/auth/v1'.length), url.searchParams)
      }
      if (path === '/mailbox' || path.startsWith('/mailbox/')) {
        return options.mailbox(req, res, path.slice('/mailbox'.length), url.searchParams)
      }
      if (path === '/' && req.method === 'GET') {
        return sendJson(res, 200, { name: 'RugbyCodex local platform', services: options.services })
      }
      return sendError(res, 404, 'NOT_FOUND', `${req.method} ${path} does not exist on the gateway`)
    }

    route().catch((error: unknown) => {
      options.log(`gateway error ${req.method} ${path}: ${(error as Error).stack ?? String(error)}`)
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_ERROR', 'The gateway failed unexpectedly')
      else res.destroy()
    })
  })
  // Uploads and long function calls must not be cut by Node's default request timeout.
  server.requestTimeout = 0
  server.keepAliveTimeout = 5_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  return {
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
