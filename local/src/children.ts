import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { lineSplitter, type Log } from './log'

export interface Child {
  name: string
  process: ChildProcess
  /** Resolves with the exit code once the process (group) has ended. */
  exited: Promise<number | null>
  stop(graceMs?: number): Promise<void>
}

export interface SpawnOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  log: Log
  /** Called with every output line before it is logged (readiness detection). */
  onLine?: (line: string) => void
}

/**
 * Spawns a child in its own process group, so stopping it also ends the grandchildren that
 * wrappers like tsx or vite start, and prefixes its output lines.
 */
export function spawnChild(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const onLine = (line: string) => {
    options.onLine?.(line)
    options.log(line)
  }
  child.stdout?.on('data', lineSplitter(onLine))
  child.stderr?.on('data', lineSplitter(onLine))
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)))
    child.once('error', (error) => {
      options.log(`failed to start: ${error.message}`)
      resolve(null)
    })
  })
  let running = true
  void exited.then(() => (running = false))
  // Children live in their own process group (see above), so they would outlive a parent that
  // exits without stopping them (an uncaught error, process.exit); take the group down with us.
  const onParentExit = () => signalGroup('SIGKILL')
  process.once('exit', onParentExit)
  void exited.then(() => process.off('exit', onParentExit))

  const signalGroup = (signal: NodeJS.Signals) => {
    if (!child.pid || !running) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // The group is already gone.
    }
  }

  return {
    name,
    process: child,
    exited,
    async stop(graceMs = 10_000) {
      if (!running) return
      signalGroup('SIGTERM')
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
      // The leader may exit before its children; make sure none outlive it.
      signalGroup('SIGKILL')
    },
  }
}

/** Polls until a TCP port accepts connections, or `child` exits, or `timeoutMs` passes. */
export async function waitForPort(
  port: number,
  child: Child | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exited = false
  void child?.exited.then(() => (exited = true))
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child?.name} exited before listening on port ${port}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for port ${port}${child ? ` (${child.name})` : ''}`)
}

/** What a command printed: stdout, stderr, and both interleaved as they came. */
export interface Finished {
  code: number
  stdout: string
  stderr: string
  output: string
}

/** Runs a command to its end and collects its output (a failure to start is exit code 1). */
export function runToEnd(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env })
    const done: Finished = { code: 1, stdout: '', stderr: '', output: '' }
    child.stdout.on('data', (chunk: Buffer) => {
      done.stdout += chunk.toString()
      done.output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      done.stderr += chunk.toString()
      done.output += chunk.toString()
    })
    child.on('error', (error) => {
      done.stderr += error.message
      done.output += `\n${error.message}`
      resolve(done)
    })
    child.on('close', (code) => resolve({ ...done, code: code ?? 1 }))
  })
}
