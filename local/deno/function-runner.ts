// Runs ONE edge function in this Deno process, as Supabase's edge runtime runs each function in an
// isolate of its own: its own module graph (resolved with its own deno.json only, passed by the
// host as --config), its own module state, and an env of only what the platform injects.
//
// The function calls `Deno.serve(handler)`; we capture the handler and serve it on a loopback port
// of our choosing, then tell the host on stdout. An uncaught throw answers 500 WORKER_ERROR, as on
// Supabase; a failed import prints the error and exits, which the host answers with 503 BOOT_ERROR.
//
// Run: deno run --config <fn>/deno.json ... function-runner.ts <entrypoint> <name> [trust,names]

import { errorResponse } from './error-response.ts'

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>

const [entrypoint, name, trustNames = ''] = Deno.args
if (!entrypoint || !name) {
  console.error('usage: function-runner.ts <entrypoint> <name>')
  Deno.exit(2)
}

// Variables only the Deno CLI needed to start this process, and the two it adds itself for its
// Node compatibility (a PATH to its `node` shim, DENO_NODE_SHIM_ACTIVE); the function must not see
// them, just as it sees none of the edge runtime's own settings on Supabase.
for (const cliOnly of [
  'DENO_DIR',
  'NO_COLOR',
  'DENO_NO_UPDATE_CHECK',
  'DENO_NO_PACKAGE_JSON',
  'DENO_NODE_SHIM_ACTIVE',
  'PATH',
]) {
  Deno.env.delete(cliOnly)
}

// A stray promise is logged, not fatal (the edge runtime logs it and keeps the isolate).
globalThis.addEventListener('unhandledrejection', (event) => {
  console.error(`unhandled rejection in ${name}:`, event.reason)
  event.preventDefault()
})

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

const realServe = Deno.serve.bind(Deno)
let captured: Handler | undefined
Object.defineProperty(Deno, 'serve', {
  configurable: true,
  writable: true,
  value: (...args: unknown[]) => {
    captured ??= pickHandler(args)
    return {
      addr: { transport: 'tcp', hostname: '127.0.0.1', port: 0 },
      finished: new Promise<void>(() => {}),
      ref() {},
      unref() {},
      shutdown: () => Promise.resolve(),
      [Symbol.asyncDispose]: () => Promise.resolve(),
    } as unknown as Deno.HttpServer<Deno.NetAddr>
  },
})

try {
  await import(new URL(`file://${entrypoint}`).href)
} catch (error) {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
  console.error(`function ${name} failed to load:\n${text}`)
  Deno.exit(3)
}
// The machine's TLS/proxy settings were for the CLI's package downloads while loading.
for (const trust of trustNames.split(',').filter(Boolean)) Deno.env.delete(trust)
const handler = captured
if (!handler) {
  console.error(`function ${name} failed to load:\n${entrypoint} did not call Deno.serve(handler)`)
  Deno.exit(3)
}

realServe(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen({ port }) {
      // The host reads this line; everything else on stdout is the function's own output.
      console.log(`@@function-runner ready ${port}`)
    },
  },
  async (request, info) => {
    try {
      return await handler(request, info)
    } catch (error) {
      console.error(`function ${name} threw:`, error)
      return errorResponse(500, 'WORKER_ERROR', 'The function failed unexpectedly')
    }
  },
)

// The host stops its whole process group; this covers a host killed with SIGKILL.
const parentPid = Deno.ppid
setInterval(() => {
  if (Deno.ppid !== parentPid) Deno.exit(0)
}, 2000)
