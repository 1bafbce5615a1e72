// Sliding-window rate limiting per user and per IP (SCALE-6). The window is approximated by two
// fixed windows weighted by overlap (what Cloudflare and Upstash do): O(1) memory per key.
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

export async function enforceRateLimit(req: Request, fn: string, userId?: string): Promise<void> {
  const perUser = intEnv('RATE_LIMIT_USER_PER_MINUTE', 600)
  const perIp = intEnv('RATE_LIMIT_IP_PER_MINUTE', 1200)
  if (perUser <= 0 && perIp <= 0) return
  const checks: Array<Promise<{ count: number; retryAfter: number; limit: number }>> = []
  if (userId && perUser > 0) checks.push(hit(`u:${userId}`).then((r) => ({ ...r, limit: perUser })))
  if (perIp > 0) checks.push(hit(`ip:${clientIp(req)}`).then((r) => ({ ...r, limit: perIp })))
  let results
  try {
    results = await Promise.all(checks)
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
