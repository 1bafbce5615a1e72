// TX-7: the container's health endpoint. Unhealthy when the database has been unreachable for a
// minute (the orchestrator should replace the task) — not while a long encode is running.
import { createServer, type Server } from 'node:http'
import type { Worker } from './worker'

export function startHealthServer(
  worker: Worker,
  workerId: string,
  host: string,
  port: number,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/health')) {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Only GET /health lives here.' } }),
      )
      return
    }
    const databaseSilentSeconds = (Date.now() - worker.lastDatabaseOkAt) / 1000
    const ok = worker.status === 'running' && databaseSilentSeconds < 60
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        ok,
        workerId,
        status: worker.status,
        databaseSilentSeconds: Math.round(databaseSilentSeconds),
        jobs: worker.activeJobs,
        processed: worker.processed,
      }),
    )
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve(server))
  })
}
