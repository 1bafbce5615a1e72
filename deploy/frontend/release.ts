// SCALE-8: multi-node frontend release. Builds the SPA once, ships it to every node in parallel
// into releases/<id>, then switches nodes one at a time (atomic symlink rename), health-gating
// each before moving on; any failure puts every switched node back on its previous release.
//
//   npx tsx deploy/frontend/release.ts deploy --nodes deploy/frontend/nodes.json [--dist dir] [--id id]
//   npx tsx deploy/frontend/release.ts rollback --nodes deploy/frontend/nodes.json
//
// Node operations are small POSIX shell scripts run with `sh -c` locally or over `ssh` remotely,
// so the code path the tests drive against local directories is the one production runs.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { precompress } from './precompress'

const execFileAsync = promisify(execFile)
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

export interface NodeSpec {
  /** Label used in logs. */
  name: string
  /** `user@host:/var/www/rugbycodex` (rsync + ssh) or a local directory. */
  target: string
  /** Base URL the node answers for, e.g. https://rugbycodex.com (Host header and TLS SNI). */
  url: string
  /** Optional IP to connect to instead of resolving the URL's host (to reach one node of many). */
  address?: string
}

export interface ReleaseOptions {
  nodes: NodeSpec[]
  /** A built SPA; when absent the release builds with `npm run build` (frontend/dist). */
  dist?: string
  id?: string
  keep?: number
  healthAttempts?: number
  healthIntervalMs?: number
  log?: (line: string) => void
}

export interface ReleaseResult {
  ok: boolean
  id: string
  /** Per node: the release `current` points at when the run ends. */
  current: Record<string, string | null>
  error?: string
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

interface Location {
  host: string | null
  base: string
}

function locate(target: string): Location {
  // rsync's rule: a colon before the first slash means host:path.
  const match = /^([^/:]+):(.+)$/.exec(target)
  if (match?.[1] && match[2]) return { host: match[1], base: match[2] }
  return { host: null, base: path.resolve(target) }
}

function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

async function sh(node: NodeSpec, script: string): Promise<string> {
  const { host } = locate(node.target)
  const [cmd, args] = host
    ? ['ssh', ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', host, script]]
    : ['sh', ['-c', script]]
  const { stdout } = await execFileAsync(cmd, args, { maxBuffer: 10 * 1024 * 1024 })
  return stdout.trim()
}

let rsyncAvailable: boolean | undefined
async function hasRsync(): Promise<boolean> {
  rsyncAvailable ??= await execFileAsync('rsync', ['--version']).then(
    () => true,
    () => false,
  )
  return rsyncAvailable
}

async function upload(node: NodeSpec, staged: string, id: string): Promise<void> {
  const { host, base } = locate(node.target)
  const dest = `${base}/releases/${id}`
  await sh(
    node,
    `set -eu; mkdir -p ${quote(`${base}/releases`)}; rm -rf ${quote(dest)}; mkdir ${quote(dest)}`,
  )
  if (host) {
    await execFileAsync('rsync', [
      '-a',
      '--delete',
      '--chmod=D755,F644',
      '-e',
      'ssh -o BatchMode=yes -o ConnectTimeout=10',
      `${staged}/`,
      `${host}:${dest}/`,
    ])
  } else if (await hasRsync()) {
    await execFileAsync('rsync', ['-a', '--delete', `${staged}/`, `${dest}/`])
  } else {
    await execFileAsync('cp', ['-a', `${staged}/.`, `${dest}/`])
  }
}

/** Points `current` at releases/<id> with one rename(2): readers see the old or the new tree. */
async function switchTo(node: NodeSpec, id: string): Promise<void> {
  const { base } = locate(node.target)
  const tmp = `.current.${id}.${process.pid}.tmp`
  await sh(
    node,
    [
      'set -eu',
      `cd ${quote(base)}`,
      `test -f ${quote(`releases/${id}/index.html`)} || { echo "release ${id} is missing" >&2; exit 3; }`,
      `if [ -e current ] && [ ! -L current ]; then echo "current is a directory, not a symlink: move it into releases/ first" >&2; exit 4; fi`,
      `ln -sfn ${quote(`releases/${id}`)} ${quote(tmp)}`,
      `mv -Tf ${quote(tmp)} current`,
    ].join('\n'),
  )
}

async function currentRelease(node: NodeSpec): Promise<string | null> {
  const { base } = locate(node.target)
  const link = await sh(node, `readlink ${quote(`${base}/current`)} || true`)
  return link ? path.posix.basename(link) : null
}

async function listReleases(node: NodeSpec): Promise<string[]> {
  const { base } = locate(node.target)
  const out = await sh(node, `ls -1 ${quote(`${base}/releases`)} 2>/dev/null || true`)
  return out
    .split('\n')
    .filter((d) => ID_PATTERN.test(d))
    .sort()
}

async function indexHash(node: NodeSpec, id: string): Promise<string> {
  const { base } = locate(node.target)
  const out = await sh(node, `sha256sum ${quote(`${base}/releases/${id}/index.html`)}`)
  return out.split(/\s+/)[0] ?? ''
}

async function removeRelease(node: NodeSpec, id: string): Promise<void> {
  const { base } = locate(node.target)
  await sh(node, `rm -rf ${quote(`${base}/releases/${id}`)}`)
}

/** Keeps the newest `keep` releases, and always the one `current` points at. */
async function prune(node: NodeSpec, keep: number): Promise<void> {
  const { base } = locate(node.target)
  await sh(
    node,
    [
      'set -eu',
      `cd ${quote(`${base}/releases`)}`,
      `cur=$(readlink ../current || true); cur=\${cur##*/}`,
      `ls -1 | sort -r | tail -n +${keep + 1} | while IFS= read -r d; do`,
      `  [ "$d" = "$cur" ] || rm -rf -- "./$d"`,
      'done',
    ].join('\n'),
  )
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
async function healthy(
  node: NodeSpec,
  expectedIndexHash: string,
  opts: Required<Pick<ReleaseOptions, 'healthAttempts' | 'healthIntervalMs'>>,
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

export function newReleaseId(gitSha: string | null, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  return gitSha ? `${stamp}-${gitSha}` : stamp
}

async function gitShortSha(): Promise<string | null> {
  return execFileAsync('git', ['rev-parse', '--short=7', 'HEAD'], { cwd: repoRoot }).then(
    (r) => r.stdout.trim() || null,
    () => null,
  )
}

export async function release(options: ReleaseOptions): Promise<ReleaseResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[release] ${line}\n`))
  const keep = options.keep ?? 5
  const health = {
    healthAttempts: options.healthAttempts ?? 10,
    healthIntervalMs: options.healthIntervalMs ?? 1000,
  }
  const id = options.id ?? newReleaseId(await gitShortSha())
  if (!ID_PATTERN.test(id)) throw new Error(`invalid release id ${id}`)
  if (options.nodes.length === 0) throw new Error('no nodes to release to')

  let dist = options.dist
  if (!dist) {
    log('building the SPA once (npm run build)')
    await execFileAsync('npm', ['run', 'build'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 })
    dist = path.join(repoRoot, 'frontend/dist')
  }
  await fs.access(path.join(dist, 'index.html')).catch(() => {
    throw new Error(`${dist} has no index.html: not an SPA build`)
  })

  const staged = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-release-'))
  const previous = new Map<string, string | null>()
  const switched: NodeSpec[] = []
  const finalState = async (): Promise<Record<string, string | null>> =>
    Object.fromEntries(
      await Promise.all(
        options.nodes.map(async (n) => [n.name, await currentRelease(n).catch(() => null)]),
      ),
    )
  try {
    await fs.cp(dist, staged, { recursive: true })
    const compressed = await precompress(staged)
    log(
      `release ${id}: ${compressed.length} files precompressed; uploading to ${options.nodes.length} nodes`,
    )
    const expected = createHash('sha256')
      .update(await fs.readFile(path.join(staged, 'index.html')))
      .digest('hex')

    for (const node of options.nodes) previous.set(node.name, await currentRelease(node))
    const uploads = await Promise.allSettled(options.nodes.map((node) => upload(node, staged, id)))
    const failedUpload = uploads.findIndex((u) => u.status === 'rejected')
    if (failedUpload >= 0) {
      const reason = (uploads[failedUpload] as PromiseRejectedResult).reason as Error
      const error = `upload to ${options.nodes[failedUpload]?.name} failed: ${reason.message}`
      log(`${error}; nothing switched, removing ${id} everywhere`)
      await Promise.allSettled(options.nodes.map((n) => removeRelease(n, id)))
      return { ok: false, id, current: await finalState(), error }
    }
    for (const node of options.nodes) {
      if ((await indexHash(node, id)) !== expected) {
        const error = `upload to ${node.name} is corrupt (index.html differs)`
        await Promise.allSettled(options.nodes.map((n) => removeRelease(n, id)))
        return { ok: false, id, current: await finalState(), error }
      }
    }

    for (const node of options.nodes) {
      log(`${node.name}: switching current -> releases/${id}`)
      switched.push(node)
      let problem: string | null
      try {
        await switchTo(node, id)
        problem = await healthy(node, expected, health)
      } catch (error) {
        problem = (error as Error).message
      }
      if (problem) {
        const error = `${node.name} unhealthy after switch: ${problem}`
        log(`${error}; rolling back ${switched.map((n) => n.name).join(', ')}`)
        await rollBackNodes(switched, previous, health, log)
        await Promise.allSettled(options.nodes.map((n) => removeRelease(n, id)))
        return { ok: false, id, current: await finalState(), error }
      }
      log(`${node.name}: healthy on ${id}`)
    }

    await Promise.all(options.nodes.map((n) => prune(n, keep)))
    log(`release ${id} live on every node`)
    return { ok: true, id, current: await finalState() }
  } finally {
    await fs.rm(staged, { recursive: true, force: true })
  }
}

async function rollBackNodes(
  nodes: NodeSpec[],
  previous: Map<string, string | null>,
  health: Required<Pick<ReleaseOptions, 'healthAttempts' | 'healthIntervalMs'>>,
  log: (line: string) => void,
): Promise<void> {
  // Reverse order: the node switched last is the one most likely serving broken content.
  for (const node of [...nodes].reverse()) {
    const before = previous.get(node.name)
    if (!before) {
      log(`${node.name}: no previous release to return to`)
      continue
    }
    try {
      await switchTo(node, before)
      const problem = await healthy(node, await indexHash(node, before), health)
      log(
        problem
          ? `${node.name}: back on ${before} but still unhealthy: ${problem}`
          : `${node.name}: back on ${before}`,
      )
    } catch (error) {
      log(`${node.name}: rollback to ${before} failed: ${(error as Error).message}`)
    }
  }
}

/** Moves every node back to the release before its current one (operator-triggered rollback). */
export async function rollback(
  options: Omit<ReleaseOptions, 'dist' | 'id' | 'keep'>,
): Promise<ReleaseResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[rollback] ${line}\n`))
  const health = {
    healthAttempts: options.healthAttempts ?? 10,
    healthIntervalMs: options.healthIntervalMs ?? 1000,
  }
  const plan: Array<{ node: NodeSpec; from: string; to: string }> = []
  for (const node of options.nodes) {
    const cur = await currentRelease(node)
    const releases = await listReleases(node)
    const idx = cur ? releases.indexOf(cur) : -1
    const to = idx > 0 ? releases[idx - 1] : undefined
    if (!cur || !to)
      return { ok: false, id: '', current: {}, error: `${node.name} has no earlier release` }
    plan.push({ node, from: cur, to })
  }
  const previous = new Map(plan.map((p) => [p.node.name, p.from]))
  const done: NodeSpec[] = []
  for (const { node, to } of plan) {
    done.push(node)
    await switchTo(node, to)
    const problem = await healthy(node, await indexHash(node, to), health)
    if (problem) {
      log(`${node.name} unhealthy on ${to}: ${problem}; restoring`)
      await rollBackNodes(done, previous, health, log)
      return { ok: false, id: to, current: {}, error: problem }
    }
    log(`${node.name}: now on ${to}`)
  }
  const current = Object.fromEntries(
    await Promise.all(options.nodes.map(async (n) => [n.name, await currentRelease(n)])),
  )
  return { ok: true, id: plan[0]?.to ?? '', current }
}

export async function loadNodes(file: string): Promise<NodeSpec[]> {
  const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { nodes?: unknown }
  if (!Array.isArray(parsed.nodes)) throw new Error(`${file}: expected { "nodes": [...] }`)
  return parsed.nodes.map((n: unknown, i: number) => {
    const node = n as Partial<NodeSpec>
    if (typeof node.target !== 'string' || typeof node.url !== 'string') {
      throw new Error(`${file}: nodes[${i}] needs "target" and "url"`)
    }
    return {
      name: node.name ?? `node${i + 1}`,
      target: node.target,
      url: node.url,
      address: node.address,
    }
  })
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const flags = new Map<string, string>()
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i]
    const value = rest[i + 1]
    if (!key?.startsWith('--') || value === undefined) {
      process.stderr.write(`unexpected argument ${key ?? ''}\n`)
      return 2
    }
    flags.set(key.slice(2), value)
  }
  const nodesFile = flags.get('nodes')
  if ((command !== 'deploy' && command !== 'rollback') || !nodesFile) {
    process.stderr.write(
      'usage: release.ts deploy|rollback --nodes nodes.json [--dist dir] [--id id] [--keep 5]\n',
    )
    return 2
  }
  const common = {
    nodes: await loadNodes(nodesFile),
    healthAttempts: flags.has('health-attempts') ? Number(flags.get('health-attempts')) : undefined,
    healthIntervalMs: flags.has('health-interval-ms')
      ? Number(flags.get('health-interval-ms'))
      : undefined,
  }
  const result =
    command === 'deploy'
      ? await release({
          ...common,
          dist: flags.get('dist'),
          id: flags.get('id'),
          keep: flags.has('keep') ? Number(flags.get('keep')) : undefined,
        })
      : await rollback(common)
  process.stdout.write(`${JSON.stringify(result)}\n`)
  return result.ok ? 0 : 1
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`)
      process.exit(2)
    },
  )
}
