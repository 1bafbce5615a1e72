// The local stand-in of Supabase's edge runtime: one URL that routes `/<name>/...` to the function
// `<name>`, with every function running in a Deno process of its own (function-runner.ts), so no
// module state is shared between functions, each resolves imports from its own deno.json only,
// and each sees only the env the platform injects. The gateway strips `/functions/v1` before
// proxying, so a function sees the pathname it sees on Supabase (`/<name>/...`).
//
// Like the edge runtime: a function whose isolate dies is booted again on its next request; one
// that fails to boot answers 503 BOOT_ERROR (and is tried again on the next request); an isolate
// dying mid-request answers 500 WORKER_ERROR. The other functions never notice.
//
// Run: deno run --allow-net --allow-env --allow-read --allow-run --allow-sys functions-host.ts
//      <manifest.json> (written by local/src/functions.ts; it holds the functions' env).

import { errorResponse } from './error-response.ts'

interface FunctionEntry {
  name: string
  dir: string
  entrypoint: string
  importMap?: string
  configArgs: string[]
}

interface Manifest {
  port: number
  functionsDir: string
  watch: boolean
  runner: string
  functions: FunctionEntry[]
  env: Record<string, string>
  denoDir: string
  /** The machine's TLS/proxy settings, for the CLI's first npm downloads only. */
  trustEnv: Record<string, string>
}

type State =
  | { kind: 'idle' }
  | { kind: 'booting'; ready: Promise<void> }
  | { kind: 'ready'; port: number; child: Deno.ChildProcess }
  | { kind: 'failed'; error: string }

interface Slot {
  fn: FunctionEntry
  state: State
  /** Bumped on every boot; names the isolate (SB_EXECUTION_ID) and ignores exits of old ones. */
  generation: number
  /** How long the last boot took, from spawn to serving (the health endpoint reports it). */
  bootMs?: number
  child?: Deno.ChildProcess
}

const manifestPath = Deno.args[0]
if (!manifestPath) {
  console.error('usage: functions-host.ts <manifest.json>')
  Deno.exit(2)
}
const manifest = JSON.parse(await Deno.readTextFile(manifestPath)) as Manifest
const slots = new Map<string, Slot>(
  manifest.functions.map((fn) => [fn.name, { fn, state: { kind: 'idle' }, generation: 0 }]),
)
let stopping = false
const BOOT_TIMEOUT_MS = 120_000

async function pipeLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let buffered = ''
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk
    let index
    while ((index = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, index))
      buffered = buffered.slice(index + 1)
    }
  }
  if (buffered) onLine(buffered)
}

/** Starts a fresh isolate (a Deno process) for `slot`; resolves when it serves or has failed. */
function boot(slot: Slot): Promise<void> {
  if (slot.state.kind === 'booting') return slot.state.ready
  const generation = ++slot.generation
  const { fn } = slot
  const spawnedAt = Date.now()
  const ready = new Promise<void>((resolve) => {
    const lastLines: string[] = []
    let settled = false
    const settle = (state: State) => {
      if (slot.generation !== generation || settled) return
      slot.state = state
      slot.bootMs = Date.now() - spawnedAt
      if (!settled) {
        settled = true
        resolve()
      }
    }
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        'run',
        ...fn.configArgs,
        '--allow-net',
        '--allow-env',
        '--allow-read',
        '--allow-sys',
        '--no-prompt',
        manifest.runner,
        fn.entrypoint,
        fn.name,
        Object.keys(manifest.trustEnv).join(','),
      ],
      cwd: fn.dir,
      // Only what the platform injects plus the project's secrets; the runner removes the
      // DENO_* variables the CLI needs to start before the function's code is loaded.
      clearEnv: true,
      env: {
        ...manifest.env,
        SB_EXECUTION_ID: crypto.randomUUID(),
        DENO_DEPLOYMENT_ID: `local_${fn.name}_${generation}`,
        DENO_DIR: manifest.denoDir,
        NO_COLOR: '1',
        DENO_NO_UPDATE_CHECK: '1',
        DENO_NO_PACKAGE_JSON: '1',
        ...manifest.trustEnv,
      },
      stdin: 'null',
      stdout: 'piped',
      stderr: 'piped',
    }).spawn()
    slot.child = child
    // A boot that never finishes must not hold its requests forever (the first run downloads the
    // function's packages, so the bound is generous).
    const bootTimer = setTimeout(() => {
      if (settled || slot.generation !== generation) return
      console.error(`function ${fn.name} did not start within ${BOOT_TIMEOUT_MS / 1000} s`)
      settle({ kind: 'failed', error: `did not start within ${BOOT_TIMEOUT_MS / 1000} s` })
      try {
        child.kill('SIGKILL')
      } catch {
        // already gone
      }
    }, BOOT_TIMEOUT_MS)
    void child.status.finally(() => clearTimeout(bootTimer))
    const onLine = (line: string) => {
      const ready = /^@@function-runner ready (\d+)$/.exec(line)
      if (ready) {
        settle({ kind: 'ready', port: Number(ready[1]), child })
        return
      }
      lastLines.push(line)
      if (lastLines.length > 40) lastLines.shift()
      console.log(`[${fn.name}] ${line}`)
    }
    void pipeLines(child.stdout, onLine).catch(() => {})
    void pipeLines(child.stderr, onLine).catch(() => {})
    void child.status.then((status) => {
      if (slot.generation !== generation || stopping) return
      if (!settled) {
        const failure = lastLines.join('\n').split('failed to load:\n')[1] ?? lastLines.join('\n')
        console.error(`function ${fn.name} failed to load (exit ${status.code})`)
        settle({ kind: 'failed', error: failure.trim() || `exit code ${status.code}` })
      } else {
        console.error(
          `function ${fn.name} exited (code ${status.code}); its next request boots a new isolate`,
        )
        slot.state = { kind: 'idle' }
      }
    })
  })
  slot.state = { kind: 'booting', ready }
  return ready
}

function kill(slot: Slot) {
  slot.generation++
  try {
    slot.child?.kill('SIGKILL')
  } catch {
    // already gone
  }
  slot.child = undefined
  slot.state = { kind: 'idle' }
}

/** Boots at most `limit` isolates at once: on 2 cores, 15 at once only fight for CPU. */
async function bootAll(names: string[], limit: number): Promise<void> {
  const queue = [...names]
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const slot = slots.get(name)
        // A request may have booted it already; never start a second isolate for one slot.
        if (slot?.state.kind === 'idle') await boot(slot)
      }
    }),
  )
}

async function forward(slot: Slot, request: Request, url: URL): Promise<Response> {
  if (slot.state.kind === 'idle' || slot.state.kind === 'failed') void boot(slot)
  if (slot.state.kind === 'booting') await slot.state.ready
  const state = slot.state as State
  if (state.kind === 'failed') {
    const first = state.error.split('\n').find((line) => line.trim()) ?? 'see the platform log'
    return errorResponse(503, 'BOOT_ERROR', `Function "${slot.fn.name}" failed to start: ${first}`)
  }
  if (state.kind !== 'ready') {
    return errorResponse(503, 'BOOT_ERROR', `Function "${slot.fn.name}" is not running`)
  }
  try {
    const upstream = await fetch(`http://127.0.0.1:${state.port}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
    })
    return upstream
  } catch (error) {
    console.error(`function ${slot.fn.name} did not answer: ${(error as Error).message}`)
    return errorResponse(500, 'WORKER_ERROR', `Function "${slot.fn.name}" stopped while answering`)
  }
}

// Every isolate boots right away, as many at once as there are cores (15 at once on 2 cores only
// fight for CPU). The host answers from the start: a request for a function still booting waits
// for it (and jumps the queue), as a cold start does on Supabase.
const startedAt = Date.now()
void bootAll([...slots.keys()], Math.max(1, navigator.hardwareConcurrency || 2)).then(() => {
  const ok = [...slots.values()].filter((s) => s.state.kind === 'ready').map((s) => s.fn.name)
  const failed = [...slots.values()].filter((s) => s.state.kind === 'failed').map((s) => s.fn.name)
  console.log(
    `booted ${ok.length}/${slots.size} functions in ${Date.now() - startedAt} ms` +
      (failed.length ? `; failed: ${failed.join(', ')}` : ''),
  )
})

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: manifest.port,
    onListen() {
      console.log(`serving ${slots.size} functions: ${[...slots.keys()].join(', ') || '(none)'}`)
    },
  },
  (request) => {
    const url = new URL(request.url)
    if (url.pathname === '/_host/health') {
      return Response.json({
        ok: true,
        functions: Object.fromEntries(
          [...slots].map(([name, slot]) => [name, { state: slot.state.kind, bootMs: slot.bootMs }]),
        ),
      })
    }
    const name = url.pathname.split('/')[1] ?? ''
    const slot = slots.get(name)
    if (!slot) return errorResponse(404, 'FUNCTION_NOT_FOUND', `No function named "${name}"`)
    return forward(slot, request, url)
  },
)

if (manifest.watch) void watch()

/**
 * Developer runs: a change below a function's folder restarts that function's isolate; a change
 * elsewhere (`_shared/`, the fallback import map) restarts every isolate, since any may import it.
 */
async function watch() {
  const pending = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  const roots = [manifest.functionsDir, ...manifest.functions.map((fn) => fn.dir)]
  const watcher = Deno.watchFs([...new Set(roots)], { recursive: true })
  for await (const event of watcher) {
    if (event.kind === 'access') continue
    for (const path of event.paths) {
      if (/\.(lock)$|~$|\.swp$/.test(path)) continue
      const owner = manifest.functions.find((fn) => path.startsWith(`${fn.dir}/`))
      if (owner) pending.add(owner.name)
      else for (const fn of manifest.functions) pending.add(fn.name)
    }
    clearTimeout(timer)
    timer = setTimeout(() => {
      const names = [...pending]
      pending.clear()
      if (names.length === 0) return
      console.log(`change seen; restarting ${names.join(', ')}`)
      for (const name of names) {
        const slot = slots.get(name)
        if (slot) kill(slot)
      }
      void bootAll(names, 2)
    }, 200)
  }
}

const shutdown = () => {
  stopping = true
  for (const slot of slots.values()) kill(slot)
  Deno.exit(0)
}
Deno.addSignalListener('SIGTERM', shutdown)
Deno.addSignalListener('SIGINT', shutdown)

// The platform starts this host in its own process group so it can stop the whole tree; the flip
// side is that a platform killed with SIGKILL would leave the host running. It exits on its own
// once it has been re-parented (its parent, `npm start` or a test, is gone).
const parentPid = Deno.ppid
setInterval(() => {
  if (Deno.ppid !== parentPid) {
    console.error('platform process is gone; functions host exiting')
    shutdown()
  }
}, 2000)
