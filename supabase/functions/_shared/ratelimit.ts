// Sliding-window rate limiting per user and per IP (SCALE-6). The window is approximated by two
// fixed windows weighted by overlap (what Cloudflare and Upstash do): O(1) memory per key.
//
// The counters live in the cache backend. With Redis or Upstash configured they are one count per
// key across every isolate of every function, so a limit means what it says. Without one, each
// isolate counts on its own: a client may make up to `limit` requests per minute to EACH isolate
// serving it (locally one per function, so the per-IP and per-user budgets apply per function;
// on Supabase also per extra isolate a busy function scales to). Limits then only slow a flood
// that lands on one isolate; production should configure Upstash.
import { intEnv } from './env.ts'
import { HttpError } from './http.ts'
import { bounded, counterStore } from './cache.ts'

const WINDOW_SECONDS = 60

export function clientIp(req: Request): string {
  const forwarded = req.headers.get('x-forwarded-for')
  if (forwarded) return forwarded.split(',')[0]!.trim()
  return req.headers.get('x-real-ip') ?? req.headers.get('cf-connecting-ip') ?? 'unknown'
}

/** Weighted count of the current sliding window after counting this request. */
export async function hit(
  key: string,
  nowMs = Date.now(),
): Promise<{ count: number; retryAfter: number }> {
  const windowMs = WINDOW_SECONDS * 1000
  const current = Math.floor(nowMs / windowMs)
  const elapsed = (nowMs % windowMs) / windowMs
  const store = counterStore()
  // Bounded like every cache call: a slow counter store must not stall the request.
  const counts = await bounded(() =>
    store.incrementAndGet(`rl:${key}:${current}`, `rl:${key}:${current - 1}`, WINDOW_SECONDS * 2),
  )
  if (!counts) throw new Error('rate limit store unavailable')
  const [thisWindow, previousWindow] = counts
  const count = previousWindow * (1 - elapsed) + thisWindow
  return { count, retryAfter: Math.max(1, Math.ceil((windowMs - (nowMs % windowMs)) / 1000)) }
}

async function check(entries: Array<{ key: string; limit: number }>, fn: string): Promise<void> {
  const active = entries.filter((e) => e.limit > 0)
  if (active.length === 0) return
  let results
  try {
    results = await Promise.all(
      active.map((e) => hit(e.key).then((r) => ({ ...r, limit: e.limit }))),
    )
  } catch {
    // Fail open: a broken counter store must not take the API down.
    return
  }
  const over = results.find((r) => r.count > r.limit)
  if (over) {
    throw new HttpError(
      429,
      'RATE_LIMITED',
      'Too many requests. Slow down and try again shortly.',
      { fn },
      { 'retry-after': String(over.retryAfter) },
    )
  }
}

/**
 * Per-IP limits, checked before authentication so floods of bad tokens are throttled too.
 * Public routes (no user) get a tighter budget than the IP as a whole, which may be a club's
 * whole squad behind one NAT.
 */
export function limitByIp(req: Request, fn: string, publicRoute: boolean): Promise<void> {
  const ip = clientIp(req)
  return check(
    [
      { key: `ip:${ip}`, limit: intEnv('RATE_LIMIT_IP_PER_MINUTE', 3000) },
      ...(publicRoute
        ? [{ key: `anon:${ip}`, limit: intEnv('RATE_LIMIT_ANON_IP_PER_MINUTE', 300) }]
        : []),
    ],
    fn,
  )
}

/** Per-user limit for authenticated routes. */
export function limitByUser(userId: string, fn: string): Promise<void> {
  return check([{ key: `u:${userId}`, limit: intEnv('RATE_LIMIT_USER_PER_MINUTE', 600) }], fn)
}
