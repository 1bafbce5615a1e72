// Structured logs: one JSON line per request. Shipped to Axiom in batches when configured.
// Never log emails, tokens, keys or bodies: only ids, routes, status and timing.
import { env } from './env.ts'

export interface RequestLog {
  ts: string
  level: 'info' | 'warn' | 'error'
  requestId: string
  fn: string
  method: string
  route: string
  status: number
  durationMs: number
  userId?: string
  orgId?: string
  errorCode?: string
  error?: string
}

const pending: RequestLog[] = []
let flushTimer: ReturnType<typeof setTimeout> | undefined
const sinks: Array<(line: RequestLog) => void> = []

/** Tests subscribe to log lines instead of scraping stdout. */
export function onLog(sink: (line: RequestLog) => void): () => void {
  sinks.push(sink)
  return () => sinks.splice(sinks.indexOf(sink), 1)
}

export function writeLog(line: RequestLog): void {
  if (env('LOG_SILENT') !== 'true') console.log(JSON.stringify(line))
  for (const sink of sinks) sink(line)
  if (env('AXIOM_TOKEN') && env('AXIOM_DATASET')) {
    pending.push(line)
    if (pending.length >= 100) void flushAxiom()
    else if (flushTimer === undefined) flushTimer = setTimeout(() => void flushAxiom(), 1000)
  }
}

export async function flushAxiom(): Promise<void> {
  if (flushTimer !== undefined) clearTimeout(flushTimer)
  flushTimer = undefined
  const batch = pending.splice(0, pending.length)
  const token = env('AXIOM_TOKEN')
  const dataset = env('AXIOM_DATASET')
  if (batch.length === 0 || !token || !dataset) return
  try {
    const res = await fetch(`https://api.axiom.co/v1/datasets/${dataset}/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(3000),
    })
    await res.body?.cancel()
  } catch (err) {
    // Losing a log batch must never fail a request; say so locally once.
    console.error(JSON.stringify({ level: 'warn', msg: 'axiom ingest failed', error: String(err) }))
  }
}
