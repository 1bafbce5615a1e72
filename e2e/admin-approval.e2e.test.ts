import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, screenshot } from './browser'
import {
  keepFailureEvidence,
  logIn,
  makePlatformAdmin,
  recordTrouble,
  signUpApi,
  type ApiUser,
} from './flows'

// Issue 6: a newcomer asks for an organization during onboarding, a platform admin approves it in
// the admin console, and the newcomer lands in their new org as its owner (AUTH-4, ORG-1, ADM-2).
describe('an admin approving an org request', () => {
  const spaUrl = inject('spaUrl')
  const apiUrl = inject('apiUrl')
  const dbUrl = inject('dbUrl')
  const artifacts = inject('artifactsDir')
  const trouble: string[] = []
  let browser: Browser
  let requesterCtx: BrowserContext
  let adminCtx: BrowserContext
  let page: Page
  let adminPage: Page
  let requester: ApiUser
  let admin: ApiUser
  let orgName: string

  beforeAll(async () => {
    requester = await signUpApi(apiUrl, 'founder')
    admin = await signUpApi(apiUrl, 'admin')
    await makePlatformAdmin(dbUrl, admin)
    orgName = `Academy ${requester.username}`
    browser = await launchBrowser()
    requesterCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    adminCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    page = await requesterCtx.newPage()
    adminPage = await adminCtx.newPage()
    recordTrouble(page, 'requester', trouble)
    recordTrouble(adminPage, 'admin', trouble)
  })

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      await keepFailureEvidence(
        artifacts,
        task.name,
        { requester: page, admin: adminPage },
        trouble,
      )
    }
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('a newcomer without an org requests one from onboarding', async () => {
    await logIn(page, spaUrl, requester)
    await page.waitForURL(/\/onboarding$/)
    await page.getByLabel('Organization name').fill(orgName)
    await page.getByLabel('Organization type').selectOption({ label: 'Academy' })
    await page.getByLabel('Message for the admin (optional)').fill('U18 academy, 40 players.')
    await page.getByRole('button', { name: 'Request approval instead' }).click()

    await expect
      .poll(() => page.getByRole('status').innerText())
      .toMatch(/^Request sent\. A RugbyCodex admin will review it/)
    // Still no org of their own until an admin decides.
    expect(page.url()).toMatch(/\/onboarding$/)
  })

  it('the admin lands in the console and approves the request', async () => {
    await logIn(adminPage, spaUrl, admin)
    await adminPage.waitForURL(/\/admin$/)
    await expect
      .poll(() => adminPage.getByRole('heading', { level: 1 }).innerText())
      .toBe('Admin console')
    const request = adminPage.getByTestId('org-request').filter({ hasText: orgName })
    await expect.poll(() => request.count(), { timeout: 30_000 }).toBe(1)
    expect(await request.innerText()).toContain(`academy · by @${requester.username}`)
    expect(await request.innerText()).toContain('“U18 academy, 40 players.”')
    await screenshot(adminPage, artifacts, 'admin-01-request-pending')

    await request.getByRole('button', { name: `Approve ${orgName}` }).click()
    await expect
      .poll(() => adminPage.getByRole('status').innerText())
      .toBe(`“${orgName}” approved; the requester now owns it.`)
    // Only pending requests are listed: a decided one leaves the queue.
    await expect.poll(() => request.count()).toBe(0)
  })

  it('the requester now lands in the new org as its owner', async () => {
    await page.goto(`${spaUrl}/`)
    await page.waitForURL(/\/orgs\/[0-9a-f-]+$/, { timeout: 30_000 })
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(orgName)
    expect(await page.locator('header').innerText()).toContain(orgName)

    // As owner they see the staff screens, and the member list names them Owner.
    await page.getByRole('link', { name: 'Members', exact: true }).click()
    const me = page.getByRole('row').filter({ hasText: `@${requester.username}` })
    await expect.poll(() => me.innerText()).toMatch(/Owner/)
    await screenshot(page, artifacts, 'admin-02-requester-owns-org')
  })
})
