// What the deploy.sh tests share: the script, the repository, and an environment with nothing of
// the developer's shell in it.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))
export const repoRoot = path.resolve(here, '../..')
export const deploySh = path.join(here, 'deploy.sh')
export const cleanEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
