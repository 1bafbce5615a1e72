import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const lockFileName = 'platform.pid'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The pid of a live platform using `dataDir`, if any; stale lock files are ignored. */
export function runningPlatformPid(dataDir: string): number | undefined {
  const path = join(dataDir, lockFileName)
  if (!existsSync(path)) return undefined
  const pid = Number(readFileSync(path, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined
}

/** Claims `dataDir` for this process; two platforms on one PGlite cluster would corrupt it. */
export function acquireLock(dataDir: string): () => void {
  const other = runningPlatformPid(dataDir)
  if (other) {
    throw new Error(`a platform is already running on ${dataDir} (pid ${other}); stop it first`)
  }
  const path = join(dataDir, lockFileName)
  writeFileSync(path, String(process.pid))
  return () => {
    if (existsSync(path) && readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path)
  }
}
