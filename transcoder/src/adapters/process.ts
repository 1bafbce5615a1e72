// Runs ffmpeg/ffprobe as child processes under a wall-clock limit and an address-space limit, so a
// hostile or broken file can neither hang a worker nor take the machine's memory.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'

export interface RunLimits {
  /** Killed (SIGKILL) after this many milliseconds. */
  timeoutMs: number
  /** Virtual address space cap in bytes (prlimit --as); 0 = no cap. */
  memoryBytes: number
}

export interface RunOptions extends RunLimits {
  signal?: AbortSignal
  onStdoutLine?: (line: string) => void
  /** Keep at most this many bytes of stderr for error reports. */
  stderrLimit?: number
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
  aborted: boolean
}

const prlimitPath = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p))

/** The argv that applies the memory cap: prlimit sets RLIMIT_AS on the child before exec. */
export function limitedCommand(
  command: string,
  args: string[],
  memoryBytes: number,
): [string, string[]] {
  if (!memoryBytes || !prlimitPath) return [command, args]
  return [prlimitPath, [`--as=${memoryBytes}`, '--', command, ...args]]
}

export function runProcess(
  command: string,
  args: string[],
  options: RunOptions,
): Promise<RunResult> {
  const [bin, argv] = limitedCommand(command, args, options.memoryBytes)
  const stderrLimit = options.stderrLimit ?? 64 * 1024
  return new Promise((resolve, reject) => {
    // A process group of its own, so a kill reaches anything ffmpeg forks and never the worker.
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    let pending = ''
    let timedOut = false
    let aborted = false
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      kill()
    }, options.timeoutMs)
    const onAbort = () => {
      aborted = true
      kill()
    }
    if (options.signal?.aborted) onAbort()
    options.signal?.addEventListener('abort', onAbort, { once: true })

    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      if (!options.onStdoutLine) {
        stdout += chunk
        return
      }
      pending += chunk
      let newline = pending.indexOf('\n')
      while (newline >= 0) {
        options.onStdoutLine(pending.slice(0, newline).trim())
        pending = pending.slice(newline + 1)
        newline = pending.indexOf('\n')
      }
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-stderrLimit)
    })
    child.on('error', (error) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve({ code, signal, stdout, stderr, timedOut, aborted })
    })
  })
}
