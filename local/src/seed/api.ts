import type { Platform } from '../platform'
import { DEMO_PASSWORD, type DemoUser } from './users'

/** What the seed needs of a running platform: its environment and where it keeps state. */
export type SeedTarget = Pick<Platform, 'env' | 'dataDir'>

export interface Session {
  access_token: string
  user: { id: string }
}

/** A failure the seed explains in one line (anything else is logged with its stack). */
export class SeedError extends Error {}

/** One call to the platform's API as the SPA makes it; never throws on an error status. */
export async function call<T>(
  target: SeedTarget,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; data: T }> {
  const response = await fetch(`${target.env.SUPABASE_URL}${path}`, {
    method,
    headers: {
      apikey: target.env.SUPABASE_ANON_KEY as string,
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  let data: unknown = text
  try {
    data = text ? JSON.parse(text) : {}
  } catch {
    // keep the raw text for the error message
  }
  return { status: response.status, data: data as T }
}

/** Like `call`, but an answer other than `expected` stops the seed, naming the call. */
export async function callExpecting<T>(
  expected: number,
  target: SeedTarget,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<T> {
  const { status, data } = await call<T>(target, method, path, token, body)
  if (status !== expected) {
    throw new SeedError(`${method} ${path} answered ${status}: ${describe(data)}`)
  }
  return data
}

export function describe(data: unknown): string {
  return typeof data === 'string' ? data.slice(0, 300) : JSON.stringify(data).slice(0, 300)
}

/** Signs the demo user up through the auth emulator, or in when an earlier seed already did. */
export async function demoSession(target: SeedTarget, user: DemoUser): Promise<Session> {
  const signup = await call<Session & { error_code?: string }>(
    target,
    'POST',
    '/auth/v1/signup',
    undefined,
    {
      email: user.email,
      password: DEMO_PASSWORD,
      data: { username: user.username, name: user.name },
    },
  )
  if (signup.status === 200 && signup.data.access_token) return signup.data
  const signin = await call<Session>(
    target,
    'POST',
    '/auth/v1/token?grant_type=password',
    undefined,
    { email: user.email, password: DEMO_PASSWORD },
  )
  if (signin.status !== 200) {
    throw new SeedError(
      `cannot sign ${user.email} up or in: ${describe(signup.data)} / ${describe(signin.data)}`,
    )
  }
  return signin.data
}
