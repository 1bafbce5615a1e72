import { FunctionsFetchError, FunctionsHttpError } from '@supabase/supabase-js'
import { anonKey, supabase, supabaseUrl } from './supabase'

/** An error from an edge function, carrying the envelope `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

export type Query = Record<string, string | number | boolean | undefined | null>

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

const FRIENDLY_BY_STATUS: Record<number, string> = {
  401: 'Your session has ended. Log in again to continue.',
  403: 'You do not have permission to do that in this organization.',
  404: 'That item no longer exists. Refresh the page to see the current list.',
  413: 'That file is larger than your organization can store. Free up space or ask an admin.',
  429: 'Too many requests in a short time. Wait a few seconds and try again.',
}

async function fromResponse(response: Response): Promise<ApiError> {
  let body: unknown
  try {
    body = await response.clone().json()
  } catch {
    body = undefined
  }
  const env = (body as { error?: { code?: string; message?: string; details?: unknown } })?.error
  const fieldErrors = ((env?.details as { fieldErrors?: Record<string, string[]> } | undefined)
    ?.fieldErrors ?? {}) as Record<string, string[]>
  return new ApiError(
    response.status,
    env?.code ?? `HTTP_${response.status}`,
    env?.message ??
      FRIENDLY_BY_STATUS[response.status] ??
      'The server could not finish that request. Try again in a moment.',
    fieldErrors,
  )
}

async function toApiError(error: unknown): Promise<ApiError> {
  if (error instanceof FunctionsHttpError) return fromResponse(error.context as Response)
  if (error instanceof FunctionsFetchError) {
    return new ApiError(
      0,
      'NETWORK',
      'Could not reach RugbyCodex. Check your internet connection and try again.',
    )
  }
  return new ApiError(0, 'UNKNOWN', error instanceof Error ? error.message : String(error))
}

/** Calls `/functions/v1/<path>` as the signed-in user and returns the parsed JSON. */
export async function api<T>(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const { data, error } = await supabase().functions.invoke<T>(path, {
    method,
    body: body === undefined ? undefined : (body as Record<string, unknown>),
    signal,
  })
  if (error) throw await toApiError(error)
  return data as T
}

/**
 * GETs `/functions/v1/<path>` and returns the raw response body, for downloads that must keep
 * their bytes and type (functions.invoke would parse them).
 */
export async function apiBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const { data } = await supabase().auth.getSession()
  const token = data.session?.access_token
  let response: Response
  try {
    response = await fetch(`${supabaseUrl}/functions/v1/${path}`, {
      headers: { apikey: anonKey, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal,
    })
  } catch (error) {
    if (signal?.aborted) throw error
    throw await toApiError(new FunctionsFetchError(error))
  }
  if (!response.ok) throw await fromResponse(response)
  return await response.blob()
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof Error) return error.message
  return 'Something went wrong. Try again.'
}
