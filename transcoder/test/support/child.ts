// The worker as the platform runs it: a separate process (`node --import tsx src/main.ts`).
import { spawn, type ChildProcess } from 'node:child_process'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { TestPlatform } from './platform'

const transcoderRoot = join(import.meta.dirname, '..', '..')

export interface ChildWorker {
  child: ChildProcess
  logs: Record<string, unknown>[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function spawnWorker(platform: TestPlatform, env: Record<string, string>): ChildWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: transcoderRoot,
    // Its own process group, so the kill -9 test can take down the worker like a dead container.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...platform.env, WORKER_TEMP_DIR: platform.dir, ...env },
  })
  const logs: Record<string, unknown>[] = []
  let pending = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        logs.push({ raw: line })
      }
    }
  })
  child.stderr!.resume()
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return { child, logs, exited }
}

/** ffmpeg processes working in a directory (orphans of a killed worker), by pid. */
export async function ffmpegPidsUnder(dir: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)('pgrep', ['-f', `ffmpeg.*${dir}`]).catch(() => ({
    stdout: '',
  }))
  return stdout.split('\n').filter(Boolean).map(Number)
}
