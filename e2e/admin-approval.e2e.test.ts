import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from './browser'
import { type ApiUser, logIn, makePlatformAdmin, provided, signUpApi } from './flows'
import { useBrowserSession } from './session'

// Issue 6: a newcomer asks for an organization during onboarding, a platform admin approves it in
// the admin console, and the newcomer lands in their new org as its owner (AUTH-4, ORG-1, ADM-2).
// Then the admin creates an org directly for another user, who lands in it as owner (ORG-2).
describe('an admin approving an org request', () => {
  const { spaUrl, apiUrl, dbUrl, artifacts } = provided()
  const session = useBrowserSession('admin')
  let page: Page
  let adminPage: Page
  let captainPage: Page
  let requester: ApiUser
  let admin: ApiUser
  let captain: ApiUser
  let orgName: string

  beforeAll(async () => {
    requester = await signUpApi(apiUrl, 'founder')
    admin = await signUpApi(apiUrl, 'admin')
    captain = await signUpApi(apiUrl, 'captain')
    await makePlatformAdmin(dbUrl, admin)
    orgName = `Academy ${requester.username}`
    page = await session.open('requester')
    adminPage = await session.open('admin')
    captainPage = await session.open('captain')
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
    await expect.poll(() => request.count()).toBe(1)
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
    await page.waitForURL(/\/orgs\/[0-9a-f-]+$/)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(orgName)
    expect(await page.locator('header').innerText()).toContain(orgName)

    // As owner they see the staff screens, and the member list names them Owner.
    await page.getByRole('link', { name: 'Members', exact: true }).click()
    const me = page.getByRole('row').filter({ hasText: `@${requester.username}` })
    await expect.poll(() => me.innerText()).toMatch(/Owner/)
    await screenshot(page, artifacts, 'admin-02-requester-owns-org')
  })

  it('the admin creates an org for an existing user through the console form', async () => {
    const quins = `Quins ${captain.username}`
    // The slug the form suggests: the name lowercased, every other run of characters a dash.
    const slug = `quins-${captain.username.replace(/_/g, '-')}`
    await adminPage.goto(`${spaUrl}/admin`)
    await adminPage.getByRole('tab', { name: 'Organizations' }).click()
    const orgs = adminPage.getByRole('region', { name: 'Organizations' })
    await orgs.getByRole('button', { name: 'New organization' }).click()
    const form = adminPage.getByRole('form', { name: 'New organization' })
    await form.getByLabel('Name', { exact: true }).fill(quins)
    await expect.poll(() => form.getByLabel('Slug', { exact: true }).inputValue()).toBe(slug)
    await form.getByLabel('Type', { exact: true }).selectOption({ label: 'Academy' })
    await form.getByLabel('Visibility', { exact: true }).selectOption({ label: 'Public' })
    await form.getByLabel('Storage limit (GiB)', { exact: true }).fill('25')
    await form.getByLabel('Bio (optional)', { exact: true }).fill('Sevens and fifteens.')
    // The admin finds the owner by part of their username and picks them from the matches.
    await form.getByLabel('Owner', { exact: true }).fill(captain.username.slice(0, -1))
    await form.getByRole('button', { name: `Choose @${captain.username} as owner` }).click()
    await expect
      .poll(() => form.innerText())
      .toContain(`${captain.name} (@${captain.username}) will own it.`)

    // At phone width the filled form fits the screen: nothing scrolls sideways and its Create
    // button is on screen once scrolled to.
    await adminPage.setViewportSize({ width: 360, height: 800 })
    const create = form.getByRole('button', { name: 'Create organization' })
    await create.scrollIntoViewIfNeeded()
    expect(await create.isVisible()).toBe(true)
    const box = await create.boundingBox()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(360)
    expect(
      await adminPage.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(360)
    await screenshot(adminPage, artifacts, 'admin-03-new-org-form-360')
    await adminPage.setViewportSize({ width: 1280, height: 800 })
    await screenshot(adminPage, artifacts, 'admin-04-new-org-form-1280')

    await form.getByRole('button', { name: 'Create organization' }).click()
    await expect
      .poll(() => orgs.getByRole('status').innerText())
      .toBe(`“${quins}” (${slug}) created; @${captain.username} owns it.`)
    const row = orgs.getByTestId('admin-org-row').filter({ hasText: quins })
    await expect.poll(() => row.count()).toBe(1)
    // Name, slug, type, members (the owner alone), videos, quota.
    expect(await row.getByRole('cell').allInnerTexts()).toEqual([
      quins,
      slug,
      'academy',
      '1',
      '0',
      '25 GB',
      expect.any(String),
    ])

    // The same slug again is refused, and the server's reason is shown on the Slug field.
    await orgs.getByRole('button', { name: 'New organization' }).click()
    await form.getByLabel('Name', { exact: true }).fill(quins)
    await form.getByLabel('Owner', { exact: true }).fill(captain.username)
    // Typing the exact username is enough: the search recognises the person.
    await expect
      .poll(() => form.innerText())
      .toContain(`${captain.name} (@${captain.username}) will own it.`)
    await form.getByRole('button', { name: 'Create organization' }).click()
    const slugField = form.getByLabel('Slug', { exact: true })
    await expect.poll(() => slugField.getAttribute('aria-invalid')).toBe('true')
    // The message is read with the field (its description) and focus moves there.
    expect(
      await slugField.evaluate((el) =>
        (el.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent?.trim())
          .filter(Boolean),
      ),
    ).toEqual([
      'Used in links; suggested from the name until you type your own.',
      'Another organization already uses that slug. Choose another.',
    ])
    expect(await slugField.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await orgs.locator('.alert').count()).toBe(0)
    await screenshot(adminPage, artifacts, 'admin-05-new-org-slug-taken')
  })

  it('the user the admin chose lands in the new org as its owner', async () => {
    const quins = `Quins ${captain.username}`
    await logIn(captainPage, spaUrl, captain)
    await captainPage.waitForURL(/\/orgs\/[0-9a-f-]+$/)
    await expect.poll(() => captainPage.getByRole('heading', { level: 1 }).innerText()).toBe(quins)
    await captainPage.getByRole('link', { name: 'Members', exact: true }).click()
    const me = captainPage.getByRole('row').filter({ hasText: `@${captain.username}` })
    await expect.poll(() => me.innerText()).toMatch(/Owner/)
  })
})
