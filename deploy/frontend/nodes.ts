// One node of a frontend release: its location (local directory or ssh host) and the small POSIX
// shell scripts that upload, switch, list and prune its releases.
import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

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

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

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

export async function sh(node: NodeSpec, script: string): Promise<string> {
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

export async function upload(node: NodeSpec, staged: string, id: string): Promise<void> {
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
export async function switchTo(node: NodeSpec, id: string): Promise<void> {
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

export async function currentRelease(node: NodeSpec): Promise<string | null> {
  const { base } = locate(node.target)
  const link = await sh(node, `readlink ${quote(`${base}/current`)} || true`)
  return link ? path.posix.basename(link) : null
}

export async function listReleases(node: NodeSpec): Promise<string[]> {
  const { base } = locate(node.target)
  const out = await sh(node, `ls -1 ${quote(`${base}/releases`)} 2>/dev/null || true`)
  return out
    .split('\n')
    .filter((d) => ID_PATTERN.test(d))
    .sort()
}

export async function indexHash(node: NodeSpec, id: string): Promise<string> {
  const { base } = locate(node.target)
  const out = await sh(node, `sha256sum ${quote(`${base}/releases/${id}/index.html`)}`)
  return out.split(/\s+/)[0] ?? ''
}

export async function removeRelease(node: NodeSpec, id: string): Promise<void> {
  const { base } = locate(node.target)
  await sh(node, `rm -rf ${quote(`${base}/releases/${id}`)}`)
}

/** Keeps the newest `keep` releases, and always the one `current` points at. */
export async function prune(node: NodeSpec, keep: number): Promise<void> {
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
