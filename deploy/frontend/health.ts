// The health gate of a release: a node is healthy when /health answers 200 and it serves exactly
// the release's index.html, asked of that node alone (its address, the site's Host and SNI).
import { createHash } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type { NodeSpec } from './nodes'

export interface HealthOptions {
  healthAttempts: number
  healthIntervalMs: number
}

function httpGet(node: NodeSpec, urlPath: string): Promise<{ status: number; body: Buffer }> {
  const url = new URL(urlPath, node.url)
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        host: node.address ?? url.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        servername: url.hostname,
        headers: { host: url.host, 'accept-encoding': 'identity', 'cache-control': 'no-cache' },
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error('health check timed out')))
    req.on('error', reject)
    req.end()
  })
}

/** Healthy = /health answers 200 and the node serves exactly this release's index.html. */
export async function healthy(
  node: NodeSpec,
  expectedIndexHash: string,
  opts: HealthOptions,
): Promise<string | null> {
  let reason = 'not checked'
  for (let attempt = 1; attempt <= opts.healthAttempts; attempt++) {
    try {
      const health = await httpGet(node, '/health')
      const index = await httpGet(node, `/index.html?release-check=${Date.now()}`)
      const served = createHash('sha256').update(index.body).digest('hex')
      if (health.status !== 200) reason = `/health answered ${health.status}`
      else if (index.status !== 200) reason = `/index.html answered ${index.status}`
      else if (served !== expectedIndexHash)
        reason = 'serves a different index.html than the release'
      else return null
    } catch (error) {
      reason = (error as Error).message
    }
    if (attempt < opts.healthAttempts)
      await new Promise((r) => setTimeout(r, opts.healthIntervalMs))
  }
  return reason
}
