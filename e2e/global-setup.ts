import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startPlatform } from '../local/src/platform'
import { everyPortFree } from '../local/src/config'

declare module 'vitest' {
  export interface ProvidedContext {
    spaUrl: string
    apiUrl: string
    artifactsDir: string
  }
}

// The e2e suite drives the same platform `npm start` runs, on free ports in a throwaway data dir,
// so it never touches a developer's `.data/`.
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rc-e2e-'))
  const platform = await startPlatform({
    dataDir,
    ports: everyPortFree,
    withWorker: true,
    withSpa: true,
    withFunctions: true,
    log: process.env.E2E_VERBOSE ? console.log : () => {},
  })
  project.provide('spaUrl', platform.urls.spa)
  project.provide('apiUrl', platform.urls.api)
  project.provide('dbUrl', platform.urls.postgres)
  project.provide('artifactsDir', join(import.meta.dirname, '..', 'test-results', 'e2e'))
  return async () => {
    await platform.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
