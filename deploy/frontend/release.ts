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
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { healthy, type HealthOptions } from './health'
import {
  currentRelease,
  ID_PATTERN,
  indexHash,
  listReleases,
  loadNodes,
  prune,
  removeRelease,
  switchTo,
  upload,
  type NodeSpec,
} from './nodes'
import { precompress } from './precompress'

export type { NodeSpec } from './nodes'

const execFileAsync = promisify(execFile)
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

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

const stderrLog = (tag: string) => (line: string) => void process.stderr.write(`[${tag}] ${line}\n`)

/** Ten checks a second apart unless the caller says otherwise. */
function healthDefaults(options: Pick<ReleaseOptions, 'healthAttempts' | 'healthIntervalMs'>) {
  return {
    healthAttempts: options.healthAttempts ?? 10,
    healthIntervalMs: options.healthIntervalMs ?? 1000,
  }
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
  const log = options.log ?? stderrLog('release')
  const keep = options.keep ?? 5
  const health = healthDefaults(options)
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
  health: HealthOptions,
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
  const log = options.log ?? stderrLog('rollback')
  const health = healthDefaults(options)
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
