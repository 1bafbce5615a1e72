import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core'

export const DESKTOP = { viewport: { width: 1280, height: 800 } } as const
export const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true } as const

/**
 * Deadlines, not waits: an action or navigation returns as soon as the page allows it. They are
 * generous because a loaded two-core machine compiles Vite's modules and answers the API slowly.
 */
const ACTION_DEADLINE_MS = 60_000
const NAVIGATION_DEADLINE_MS = 90_000

/** Debian's Chromium, with the flags this closed-network machine needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
    ],
  })
}

/** A browser context (one user's cookies and storage) with the suite's deadlines. */
export async function newContext(
  browser: Browser,
  options: BrowserContextOptions = DESKTOP,
): Promise<BrowserContext> {
  const context = await browser.newContext(options)
  context.setDefaultTimeout(ACTION_DEADLINE_MS)
  context.setDefaultNavigationTimeout(NAVIGATION_DEADLINE_MS)
  return context
}

export async function screenshot(page: Page, dir: string, name: string) {
  mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
}

export function uniqueUser(prefix: string) {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  return {
    email: `${prefix}.${id}@example.test`,
    username: `${prefix}_${id}`.slice(0, 24),
    name: `${prefix[0]!.toUpperCase()}${prefix.slice(1)} ${id}`,
    password: 'correct-horse-battery',
  }
}
