// HTTP foundations shared by every function: the error envelope, CORS, request ids, body parsing.
import { z } from 'zod'

export const MAX_JSON_BODY_BYTES = 256 * 1024

export const corsHeaders: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers':
    'authorization, x-client-info, apikey, content-type, x-request-id, range',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-expose-headers': 'x-request-id, retry-after, content-disposition',
  'access-control-max-age': '86400',
}

/** An error that maps to a 4xx (or a deliberate 5xx) response with the shared envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new HttpError(400, 'VALIDATION_FAILED', message, details)
export const unauthorized = (message = 'Sign in again to continue.') =>
  new HttpError(401, 'UNAUTHORIZED', message)
export const forbidden = (message = 'You do not have permission to do this.') =>
  new HttpError(403, 'FORBIDDEN', message)
export const notFound = (message = 'Not found.') => new HttpError(404, 'NOT_FOUND', message)
export const conflict = (code: string, message: string) => new HttpError(409, code, message)

export function requestIdOf(req: Request): string {
  const incoming = req.headers.get('x-request-id')
  // Accept a caller's id only when it is short and harmless, so logs cannot be polluted.
  if (incoming && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming)) return incoming
  return crypto.randomUUID()
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

export function noContent(): Response {
  return new Response(null, { status: 204 })
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: details ? { code, message, details } : { code, message } }
}

export function errorResponse(err: HttpError): Response {
  return json(errorBody(err.code, err.message, err.details), err.status, err.headers ?? {})
}

/** Reads at most `limit` bytes; a larger body is refused before it is buffered whole. */
export async function readBodyText(req: Request, limit = MAX_JSON_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? 'NaN')
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit)
  if (!req.body) return ''
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${limit} bytes.`)
}

/** Turns zod issues into `{ fieldErrors: { path: [messages] }, formErrors: [messages] }`. */
export function fieldErrorsOf(error: z.ZodError): Record<string, unknown> {
  const fieldErrors: Record<string, string[]> = {}
  const formErrors: string[] = []
  for (const issue of error.issues) {
    if (issue.path.length === 0) {
      formErrors.push(issue.message)
      continue
    }
    const key = issue.path.map(String).join('.')
    ;(fieldErrors[key] ??= []).push(issue.message)
  }
  return { fieldErrors, formErrors }
}

export function validate<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw badRequest('Some fields are missing or invalid.', fieldErrorsOf(result.error))
  }
  return result.data
}

/** Parses a JSON body against a schema; an empty body validates as `{}`. */
export async function parseBody<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const text = await readBodyText(req)
  let value: unknown = {}
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text)
    } catch {
      throw new HttpError(400, 'INVALID_JSON', 'The request body is not valid JSON.')
    }
  }
  return validate(schema, value)
}

export function parseQuery<T extends z.ZodType>(url: URL, schema: T): z.infer<T> {
  const raw: Record<string, string> = {}
  for (const [key, value] of url.searchParams) raw[key] = value
  return validate(schema, raw)
}

export const uuid = z.uuid({ message: 'must be a UUID' })

/** `?orgId=…`: the org whose list a route answers. */
export const OrgQuery = z.object({ orgId: uuid })

/** Path parameters that are not UUIDs can never match a row: answer 404 without a query. */
export function uuidParam(value: string | undefined): string {
  if (!value || !uuid.safeParse(value).success) throw notFound()
  return value
}
