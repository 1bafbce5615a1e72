import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, inject } from 'vitest'
import { DESKTOP, launchBrowser, newContext } from './browser'
import { keepFailureEvidence, recordTrouble } from './flows'

export interface BrowserSession {
  readonly browser: Browser
  /** A temp folder for the file's generated media, removed after its tests. */
  readonly workDir: string
  /** Console errors, failed requests and navigations of every page, for failure evidence. */
  readonly trouble: string[]
  /** A page in a context of its own, watched as `who` and pictured if a test fails. */
  open(who: string, options?: BrowserContextOptions): Promise<Page>
}

/**
 * One browser for the calling file's tests: launched before them, closed after; every page it
 * opens is recorded, and a failed test leaves a screenshot and the text of each open page.
 */
export function useBrowserSession(name: string): BrowserSession {
  const artifacts = inject('artifactsDir')
  const trouble: string[] = []
  const pages: Record<string, Page> = {}
  let browser: Browser | undefined
  let workDir: string | undefined

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), `rc-e2e-${name}-`))
    browser = await launchBrowser()
  })
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      await keepFailureEvidence(artifacts, task.name, pages, trouble)
    }
  })
  afterAll(async () => {
    await browser?.close()
    if (workDir) rmSync(workDir, { recursive: true, force: true })
  })

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the browser session starts in beforeAll')
    return value
  }
  return {
    get browser() {
      return started(browser)
    },
    get workDir() {
      return started(workDir)
    },
    trouble,
    async open(who, options = DESKTOP) {
      const context = await newContext(started(browser), options)
      const page = await context.newPage()
      recordTrouble(page, who, trouble)
      pages[who] = page
      return page
    },
  }
}
