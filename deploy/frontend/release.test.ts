import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { release, rollback, type NodeSpec } from './release'

// SCALE-8: local directories stand in for the web servers; each is served by a tiny HTTP server
// that resolves <dir>/current on every request, the way nginx does with `root .../current`.
const execFileAsync = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))

interface FakeServer {
  node: NodeSpec
  base: string
  healthStatus: number
  server: http.Server
}

let tmp: string
const servers: FakeServer[] = []
const quiet = () => undefined
const fast = { healthAttempts: 2, healthIntervalMs: 10, log: quiet }

async function makeDist(label: string): Promise<string> {
  const dir = path.join(tmp, `dist-${label}`)
  await fs.mkdir(path.join(dir, 'assets'), { recursive: true })
  await fs.writeFile(path.join(dir, 'index.html'), `<!doctype html><title>${label}</title>\n`)
  await fs.writeFile(
    path.join(dir, 'assets', `app-${label}.js`),
    `console.log(${JSON.stringify(label)})\n`.repeat(100),
  )
  return dir
}

async function startServer(name: string): Promise<FakeServer> {
  const base = path.join(tmp, name)
  await fs.mkdir(base, { recursive: true })
  const fake = { base, healthStatus: 200 } as FakeServer
  fake.server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/health') {
      res.writeHead(fake.healthStatus).end('ok')
      return
    }
    fs.readFile(path.join(base, 'current', url.pathname)).then(
      (body) => res.writeHead(200).end(body),
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve))
  const address = fake.server.address() as { port: number }
  fake.node = { name, target: base, url: `http://127.0.0.1:${address.port}` }
  return fake
}

const nodes = () => servers.map((s) => s.node)
const currentOf = (s: FakeServer) => fs.readlink(path.join(s.base, 'current'))
const releasesOf = async (s: FakeServer) => (await fs.readdir(path.join(s.base, 'releases'))).sort()

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-release-test-'))
  for (const name of ['web1', 'web2', 'web3']) servers.push(await startServer(name))
})

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.server.close(r))))
  await fs.rm(tmp, { recursive: true, force: true })
})

describe('frontend release to several nodes', () => {
  it('ships one build to every node and points current at it', async () => {
    const result = await release({
      ...fast,
      nodes: nodes(),
      dist: await makeDist('r01'),
      id: 'r01',
    })
    expect(result).toMatchObject({ ok: true, id: 'r01' })
    for (const s of servers) {
      expect(await currentOf(s)).toBe('releases/r01')
      expect(await fs.readFile(path.join(s.base, 'current/index.html'), 'utf8')).toContain('r01')
      // Shipped precompressed, ready for gzip_static.
      await fs.access(path.join(s.base, 'current/assets/app-r01.js.gz'))
    }
  })

  it('switches atomically: readers always see a whole old or new release, never a gap', async () => {
    const dist = await makeDist('r02')
    const seen = new Set<string>()
    const problems: string[] = []
    let running = true
    const watch = async () => {
      while (running) {
        for (const s of servers) {
          try {
            // Two independent reads (the switch may land between them): each must succeed and
            // see one whole release, never a missing link or a mix.
            const target = await currentOf(s)
            const html = await fs.readFile(path.join(s.base, 'current/index.html'), 'utf8')
            if (!/<title>r0[12]<\/title>/.test(html))
              problems.push(`${s.node.name}: served ${html}`)
            seen.add(target)
          } catch (error) {
            problems.push(`${s.node.name}: ${(error as Error).message}`)
          }
        }
        await new Promise((r) => setImmediate(r))
      }
    }
    const watcher = watch()
    const result = await release({ ...fast, nodes: nodes(), dist, id: 'r02' })
    running = false
    await watcher
    expect(result.ok).toBe(true)
    expect(problems).toEqual([])
    expect([...seen].sort()).toEqual(['releases/r01', 'releases/r02'])
    for (const s of servers) {
      expect(await currentOf(s)).toBe('releases/r02')
      const leftovers = (await fs.readdir(s.base)).filter((f) => f.startsWith('.current'))
      expect(leftovers).toEqual([])
    }
  })

  it('rolls every switched node back when a node fails its health check, and stops there', async () => {
    servers[1]!.healthStatus = 503
    try {
      const lines: string[] = []
      const result = await release({
        ...fast,
        log: (line) => lines.push(line),
        nodes: nodes(),
        dist: await makeDist('r03'),
        id: 'r03',
      })
      // web3 was never touched: the rollout stopped at the first unhealthy node.
      expect(lines.filter((l) => l.includes('switching'))).toEqual([
        'web1: switching current -> releases/r03',
        'web2: switching current -> releases/r03',
      ])
      expect(result.ok).toBe(false)
      expect(result.error).toContain('web2 unhealthy after switch: /health answered 503')
      expect(result.current).toEqual({ web1: 'r02', web2: 'r02', web3: 'r02' })
      for (const s of servers) expect(await releasesOf(s)).toEqual(['r01', 'r02'])
    } finally {
      servers[1]!.healthStatus = 200
    }
  })

  it('rolls back when a node serves something other than the new release', async () => {
    // web3 keeps serving a pinned old tree whatever `current` says (a stale mount, a wrong root).
    const stale = servers[2]!
    const pinned = path.join(tmp, 'pinned')
    await fs.cp(path.join(stale.base, 'releases/r02'), pinned, { recursive: true })
    const realBase = stale.base
    stale.base = path.join(tmp, 'pinned-base')
    await fs.mkdir(stale.base, { recursive: true })
    await fs.symlink(pinned, path.join(stale.base, 'current'))
    const server = stale.server
    server.removeAllListeners('request')
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (url.pathname === '/health') return void res.writeHead(200).end('ok')
      fs.readFile(path.join(pinned, url.pathname)).then(
        (body) => res.writeHead(200).end(body),
        () => res.writeHead(404).end(),
      )
    })
    stale.node = { ...stale.node, target: realBase }
    try {
      const result = await release({
        ...fast,
        nodes: nodes(),
        dist: await makeDist('r04'),
        id: 'r04',
      })
      expect(result.ok).toBe(false)
      expect(result.error).toContain('web3 unhealthy after switch: serves a different index.html')
      expect(result.current).toEqual({ web1: 'r02', web2: 'r02', web3: 'r02' })
    } finally {
      stale.base = realBase
      server.removeAllListeners('request')
      servers.splice(2, 1)
      await new Promise((r) => server.close(r))
      servers.push(await startServer('web3'))
    }
  })

  it('switches nothing when an upload fails', async () => {
    const broken: NodeSpec = {
      name: 'web4',
      target: path.join(tmp, 'not-a-dir'),
      url: 'http://127.0.0.1:9',
    }
    await fs.writeFile(broken.target, 'a file where the release root should be')
    const result = await release({
      ...fast,
      nodes: [...nodes(), broken],
      dist: await makeDist('r05'),
      id: 'r05',
    })
    expect(result.ok).toBe(false)
    expect(result.error).toMatch(/^upload to web4 failed/)
    for (const s of servers) {
      expect(await currentOf(s)).toBe('releases/r02')
      expect(await releasesOf(s)).not.toContain('r05')
    }
  })

  it('keeps the five newest releases, and an operator rollback returns to the previous one', async () => {
    for (const id of ['r06', 'r07', 'r08', 'r09', 'r10']) {
      expect((await release({ ...fast, nodes: nodes(), dist: await makeDist(id), id })).ok).toBe(
        true,
      )
    }
    for (const s of servers)
      expect(await releasesOf(s)).toEqual(['r06', 'r07', 'r08', 'r09', 'r10'])
    const back = await rollback({ ...fast, nodes: nodes() })
    expect(back).toMatchObject({ ok: true, current: { web1: 'r09', web2: 'r09', web3: 'r09' } })
    for (const s of servers)
      expect(await fs.readFile(path.join(s.base, 'current/index.html'), 'utf8')).toContain('r09')
  })

  it('runs as a CLI with a nodes file and exits non-zero on a failed release', async () => {
    const nodesFile = path.join(tmp, 'nodes.json')
    await fs.writeFile(nodesFile, JSON.stringify({ nodes: nodes() }))
    servers[0]!.healthStatus = 500
    try {
      const run = execFileAsync(path.join(here, 'release.sh'), [
        'deploy',
        '--nodes',
        nodesFile,
        '--dist',
        await makeDist('r11'),
        '--id',
        'r11',
        '--health-attempts',
        '1',
        '--health-interval-ms',
        '1',
      ])
      const failure = await run.then(
        () => null,
        (e: { code: number; stdout: string }) => e,
      )
      expect(failure?.code).toBe(1)
      expect(JSON.parse(failure?.stdout ?? '{}')).toMatchObject({
        ok: false,
        current: { web1: 'r09' },
      })
    } finally {
      servers[0]!.healthStatus = 200
    }
    const usage = await execFileAsync(path.join(here, 'release.sh'), ['deploy']).catch(
      (e: { code: number }) => e,
    )
    expect((usage as { code: number }).code).toBe(2)
  })
})
