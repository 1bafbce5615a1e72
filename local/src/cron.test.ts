import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startCron } from './cron'

describe('local cron', () => {
  let close: () => void = () => {}
  afterEach(() => close())

  it('calls each scheduled path with the service-role key until stopped', async () => {
    const calls: { url?: string; auth?: string; body: string }[] = []
    const server = createServer((req: IncomingMessage, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        calls.push({ url: req.url, auth: req.headers.authorization, body })
        res.writeHead(200).end('{}')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const stop = startCron(`http://127.0.0.1:${port}`, 'service-key', () => {}, [
      {
        name: 'sweep',
        everyMs: 50,
        path: '/functions/v1/narrations/jobs/sweep',
        body: { limit: 5 },
      },
    ])
    close = () => {
      stop()
      server.close()
    }
    await expect.poll(() => calls.length).toBeGreaterThanOrEqual(2)
    stop()
    const seen = calls.length
    expect(calls[0]).toEqual({
      url: '/functions/v1/narrations/jobs/sweep',
      auth: 'Bearer service-key',
      body: '{"limit":5}',
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    // In-flight calls may still land, but no new ticks once stopped.
    expect(calls.length).toBeLessThanOrEqual(seen + 1)
  })
})
