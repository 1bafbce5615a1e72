// Test support: a real redis-server on a free port, and an Upstash-REST-compatible adapter in
// front of it so the production @upstash/redis client path runs against real Redis.
import { ErrorReply } from '@redis/client'
import { RedisConnection } from './cache-backends.ts'

export interface RedisServer {
  url: string
  port: number
  stop(): Promise<void>
}

function freePort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 })
  const port = (listener.addr as Deno.NetAddr).port
  listener.close()
  return port
}

export function redisAvailable(): boolean {
  try {
    return new Deno.Command('redis-server', {
      args: ['--version'],
      stdout: 'null',
      stderr: 'null',
    }).outputSync().success
  } catch {
    return false
  }
}

export async function startRedis(): Promise<RedisServer> {
  const port = freePort()
  const child = new Deno.Command('redis-server', {
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    stdout: 'null',
    stderr: 'null',
  }).spawn()
  const url = `redis://127.0.0.1:${port}`
  const probe = new RedisConnection(url)
  for (let attempt = 0; ; attempt++) {
    try {
      await (await probe.get()).ping()
      break
    } catch (err) {
      if (attempt > 100) throw err
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  probe.close()
  let stopped = false
  return {
    url,
    port,
    async stop() {
      if (stopped) return
      stopped = true
      child.kill('SIGTERM')
      await child.status
    },
  }
}

/** Serves Upstash's REST protocol (`POST /` one command, `POST /pipeline` many) from Redis. */
export function startUpstashAdapter(redisUrl: string, token: string) {
  const redis = new RedisConnection(redisUrl)
  const command = async (args: string[]) => await (await redis.get()).sendCommand(args)
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
    if (req.headers.get('authorization') !== `Bearer ${token}`) {
      return Response.json({ error: 'Unauthorized' }, { status: 401 })
    }
    const path = new URL(req.url).pathname
    const body = await req.json()
    const toArgs = (cmd: unknown[]) => cmd.map((a) => String(a))
    try {
      if (path === '/pipeline' || path === '/multi-exec') {
        const replies = await Promise.all(
          (body as unknown[][]).map((cmd) =>
            command(toArgs(cmd)).then(
              (result) => ({ result }),
              (err) => ({ error: err instanceof ErrorReply ? err.message : String(err) }),
            ),
          ),
        )
        return Response.json(replies)
      }
      return Response.json({ result: await command(toArgs(body as unknown[])) })
    } catch (err) {
      return Response.json({ error: String(err) }, { status: 400 })
    }
  })
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    async stop() {
      redis.close()
      await server.shutdown()
    },
  }
}
