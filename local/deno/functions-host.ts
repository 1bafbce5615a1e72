// One Deno process serving every folder of supabase/functions, as Supabase's edge runtime does:
// each function module calls `Deno.serve(handler)`; we capture that handler instead of letting it
// listen, then route `/<name>/...` to it. The gateway strips `/functions/v1` before proxying, so a
// function sees the same pathname it sees on Supabase (`/<name>/...`).
//
// Run: deno run --allow-net --allow-env --allow-read --allow-sys functions-host.ts
// Env: FUNCTIONS_DIR (absolute), FUNCTIONS_PORT, FUNCTIONS_ONLY (optional comma list).

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>

interface Loaded {
  handler?: Handler
  error?: string
}

const functionsDir = Deno.env.get('FUNCTIONS_DIR')
const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '54327')
if (!functionsDir) {
  console.error('FUNCTIONS_DIR is not set')
  Deno.exit(2)
}

// One function's stray promise must not take every other function down with the process.
globalThis.addEventListener('unhandledrejection', (event) => {
  console.error('unhandled rejection in a function:', event.reason)
  event.preventDefault()
})

const realServe = Deno.serve.bind(Deno)
const functions = new Map<string, Loaded>()

function errorResponse(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: {
      'content-type': 'application/json',
      'x-request-id': crypto.randomUUID(),
      'access-control-allow-origin': '*',
    },
  })
}

/** Accepts every call shape of Deno.serve: (handler), (options, handler), ({ handler, ... }). */
function pickHandler(args: unknown[]): Handler | undefined {
  for (const arg of args) {
    if (typeof arg === 'function') return arg as Handler
    if (
      arg &&
      typeof arg === 'object' &&
      typeof (arg as { handler?: unknown }).handler === 'function'
    ) {
      return (arg as { handler: Handler }).handler
    }
  }
  return undefined
}

function fakeServer(): Deno.HttpServer<Deno.NetAddr> {
  return {
    addr: { transport: 'tcp', hostname: '127.0.0.1', port },
    finished: new Promise<void>(() => {}),
    ref() {},
    unref() {},
    shutdown: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  } as unknown as Deno.HttpServer<Deno.NetAddr>
}

async function loadFunction(name: string, entry: string): Promise<Loaded> {
  let captured: Handler | undefined
  // Deno.serve is patched only while this module evaluates, so captures never cross functions.
  Object.defineProperty(Deno, 'serve', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      captured = pickHandler(args)
      return fakeServer()
    },
  })
  try {
    await import(new URL(`file://${entry}`).href)
    if (!captured) return { error: `${name}/index.ts did not call Deno.serve(handler)` }
    return { handler: captured }
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
    return { error: text }
  } finally {
    Object.defineProperty(Deno, 'serve', { configurable: true, writable: true, value: realServe })
  }
}

const only = (Deno.env.get('FUNCTIONS_ONLY') ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
const names: string[] = []
for await (const entry of Deno.readDir(functionsDir)) {
  if (!entry.isDirectory || entry.name.startsWith('_') || entry.name.startsWith('.')) continue
  if (only.length && !only.includes(entry.name)) continue
  try {
    await Deno.stat(`${functionsDir}/${entry.name}/index.ts`)
    names.push(entry.name)
  } catch {
    // A folder without index.ts is not a function (e.g. fixtures).
  }
}
names.sort()

for (const name of names) {
  const loaded = await loadFunction(name, `${functionsDir}/${name}/index.ts`)
  functions.set(name, loaded)
  if (loaded.error) console.error(`function ${name} failed to load:\n${loaded.error}`)
}

realServe(
  {
    hostname: '127.0.0.1',
    port,
    onListen() {
      const ok = names.filter((n) => functions.get(n)?.handler)
      console.log(`serving ${ok.length}/${names.length} functions: ${ok.join(', ') || '(none)'}`)
    },
  },
  async (request, info) => {
    const url = new URL(request.url)
    if (url.pathname === '/_host/health') {
      return Response.json({
        ok: true,
        functions: Object.fromEntries([...functions].map(([n, f]) => [n, !f.error])),
      })
    }
    const name = url.pathname.split('/')[1] ?? ''
    const fn = functions.get(name)
    if (!fn) return errorResponse(404, 'FUNCTION_NOT_FOUND', `No function named "${name}"`)
    if (!fn.handler) {
      return errorResponse(
        500,
        'FUNCTION_LOAD_FAILED',
        `Function "${name}" failed to load: ${fn.error?.split('\n')[0]}`,
      )
    }
    try {
      return await fn.handler(request, info)
    } catch (error) {
      console.error(`function ${name} threw:`, error)
      return errorResponse(500, 'INTERNAL_ERROR', 'The function failed unexpectedly')
    }
  },
)

// The platform starts this host in its own process group so it can stop the whole tree; the flip
// side is that a platform killed with SIGKILL would leave the host running. It exits on its own
// once it has been re-parented (its parent, `npm start` or a test, is gone).
const parentPid = Deno.ppid
setInterval(() => {
  if (Deno.ppid !== parentPid) {
    console.error('platform process is gone; functions host exiting')
    Deno.exit(0)
  }
}, 2000)
