import { existsSync, rmSync } from 'node:fs'
import { defaultDataDir } from './config'
import { runningPlatformPid } from './lock'

const pid = existsSync(defaultDataDir) ? runningPlatformPid(defaultDataDir) : undefined
if (pid) {
  console.error(`A platform (pid ${pid}) is using .data/; stop it (Ctrl-C) before resetting.`)
  process.exit(1)
}
rmSync(defaultDataDir, { recursive: true, force: true })
console.log(`Removed ${defaultDataDir}; the next \`npm start\` creates a fresh platform and demo.`)
