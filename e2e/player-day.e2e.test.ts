import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { PHONE, screenshot } from './browser'
import {
  type ApiUser,
  assignToPlayerApi,
  createClub,
  createSegmentApi,
  fn,
  logIn,
  provided,
  uploadMediaApi,
} from './flows'
import { generateMatchVideo } from './media'
import { videoTime } from './review'
import { useBrowserSession } from './session'

// Issue 6: a player's day — join the club with the coach's code, open the feed, watch at least
// half of the assigned clip, and see the assignment completed (ORG-3, FEED-1/2, ASG-1).
describe("a player's day", () => {
  const { spaUrl, apiUrl, artifacts } = provided()
  const title = 'Defensive line speed'
  const session = useBrowserSession('player')
  let coachPage: Page
  let page: Page
  let coach: ApiUser
  let player: ApiUser
  let orgId: string
  let orgName: string
  let segmentId: string

  beforeAll(async () => {
    // The player joins by the coach's code in the test itself.
    ;({ coach, player, orgId, orgName } = await createClub(apiUrl, 'Player Day RFC', {
      member: false,
    }))
    const media = await uploadMediaApi(
      apiUrl,
      coach,
      orgId,
      generateMatchVideo(session.workDir, 10),
      'Saturday v Harlequins',
    )
    segmentId = (await createSegmentApi(apiUrl, coach, media.id, 2, 8, 'Line speed')).id
    coachPage = await session.open('coach')
    page = await session.open('player', PHONE)
  })

  it('the coach makes a join code that stays valid after a reload', async () => {
    await logIn(coachPage, spaUrl, coach)
    await coachPage.goto(`${spaUrl}/orgs/${orgId}/members`)
    // A new org already has a code; making a new one must replace it on screen and on the server.
    const shown = coachPage.getByTestId('join-code')
    await expect.poll(() => shown.innerText()).toMatch(/^[A-Z0-9]{8}$/)
    const first = await shown.innerText()
    await coachPage.getByRole('button', { name: 'Make a new join code' }).click()
    await expect.poll(() => shown.innerText()).not.toBe(first)
    const code = await shown.innerText()
    expect(code).toMatch(/^[A-Z0-9]{8}$/)

    // What the screen showed must be what the server keeps, or players are turned away.
    await coachPage.reload()
    await expect.poll(() => coachPage.getByTestId('join-code').innerText()).toBe(code)
  })

  it('the player joins with that code and lands in the club', async () => {
    const code = await coachPage.getByTestId('join-code').innerText()
    await logIn(page, spaUrl, player)
    await page.waitForURL(/\/onboarding$/)
    await page.getByLabel('Join code').fill(code.toLowerCase())
    await page.getByRole('button', { name: 'Join club' }).click()

    await page.waitForURL(new RegExp(`/orgs/${orgId}$`))
    await expect.poll(() => page.locator('header').innerText()).toContain(orgName)
  })

  it('opens the feed, watches half the assigned clip, and sees the assignment completed', async () => {
    await ensureMember()
    await assignToPlayerApi(apiUrl, coach, orgId, player, [segmentId], title)

    await page.goto(`${spaUrl}/orgs/${orgId}/feed`)
    const item = page.getByTestId('inbox-item').filter({ hasText: title })
    await expect.poll(() => item.getAttribute('data-status')).not.toBe('completed')
    expect(await item.innerText()).toMatch(/to you/)
    expect(await item.innerText()).toMatch(/0 of 1 clips watched/)
    await screenshot(page, artifacts, 'player-01-feed-inbox')

    await item.getByRole('button', { name: `Watch ${title}` }).click()
    const viewer = page.getByRole('region', { name: 'Clip viewer' })
    await expect.poll(() => viewer.innerText()).toMatch(/Clip 1 of 1 · 0:02/)
    // The clip plays from its own start, not from the start of the match.
    await expect.poll(() => videoTime(page, '[data-testid="feed-video"]')).toBeGreaterThanOrEqual(2)
    await expect.poll(() => viewer.innerText()).toContain('✓ watched')
    // Bounded playback: the clip stops at its end (8 s), not the end of the match (10 s). Read
    // once it has stopped, so the figure is where playback ended, not where it happened to be.
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            document.querySelector<HTMLVideoElement>('[data-testid="feed-video"]')?.paused ?? false,
        ),
      )
      .toBe(true)
    expect(await videoTime(page, '[data-testid="feed-video"]')).toBeLessThan(9)
    await screenshot(page, artifacts, 'player-02-feed-watched')

    await expect.poll(() => item.getAttribute('data-status')).toBe('completed')
    await expect.poll(() => item.innerText()).toMatch(/1 of 1 clips watched/)
    expect(await item.locator('.badge').innerText()).toBe('completed')
  })

  it('finds the clip that names them under My moments and plays it from its start', async () => {
    await fn(apiUrl, coach, 'POST', 'tags', { segmentId, tagType: 'identity', userId: player.id })
    await page.reload()
    await page.getByRole('tab', { name: 'My moments' }).click()
    const moments = page.getByRole('region', { name: 'My moments' })
    await expect.poll(() => moments.innerText()).toMatch(/Saturday v Harlequins\s*· 0:02/)
    await moments.getByRole('button', { name: 'Watch' }).click()

    const viewer = page.getByRole('region', { name: 'Clip viewer' })
    await expect.poll(() => viewer.innerText()).toMatch(/^Line speed/)
    await expect.poll(() => videoTime(page, '[data-testid="feed-video"]')).toBeGreaterThanOrEqual(2)
  })

  it("the coach sees the player's assignment completed", async () => {
    await coachPage.goto(`${spaUrl}/orgs/${orgId}/assignments`)
    const row = coachPage.getByTestId('assignment-row').filter({ hasText: title })
    await expect.poll(() => row.innerText()).toMatch(/1 \/ 1/)
    await row.getByRole('button', { name: 'Progress' }).click()
    const detail = coachPage.locator('section', { hasText: 'who watched' })
    await expect
      .poll(() => detail.innerText())
      .toMatch(new RegExp(`@${player.username}\\s+Completed · 1 clips`))
  })

  it('watches a saved clip with no network, and the watch counts once the phone is back online', async () => {
    // B-6 + FEED-2: a second assignment of the same clip, saved while online and watched offline.
    const busTitle = 'Line speed on the bus'
    const created = await assignToPlayerApi(apiUrl, coach, orgId, player, [segmentId], busTitle)
    const assignmentId = created.assignment?.id
    expect(assignmentId).toMatch(/^[0-9a-f-]{36}$/)
    const serverStatus = async () => {
      const inbox = await fn<{ items: { assignmentId: string; status: string }[] }>(
        apiUrl,
        player,
        'GET',
        `feed/inbox?orgId=${orgId}`,
      )
      return inbox.items.find((i) => i.assignmentId === assignmentId)?.status
    }

    // The clip autoplays while it is being saved; the server must not count that online watch,
    // or the assignment would be completed before the offline part of the test begins.
    await page.route('**/functions/v1/feed/watch', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'Held back by the test.' } }),
      }),
    )
    await page.goto(`${spaUrl}/orgs/${orgId}/feed`)
    const item = page.getByTestId('inbox-item').filter({ hasText: busTitle })
    await item.getByRole('button', { name: `Watch ${busTitle}` }).click()
    const viewer = page.getByRole('region', { name: 'Clip viewer' })
    await viewer.getByRole('button', { name: 'Save for offline' }).click()
    await expect.poll(() => page.getByTestId('saved-offline').isVisible()).toBe(true)
    await viewer.getByRole('button', { name: 'Close viewer' }).click()
    await page.unroute('**/functions/v1/feed/watch')
    expect(await serverStatus()).toBe('upcoming')

    await page.context().setOffline(true)
    await expect.poll(() => page.getByTestId('offline-banner').isVisible()).toBe(true)
    await page.getByRole('tab', { name: /Saved offline/ }).click()
    const savedClip = page.getByTestId('saved-clip').filter({ hasText: busTitle })
    await savedClip.getByRole('button', { name: 'Play saved clip 0:02' }).click()
    await expect.poll(() => viewer.innerText()).toContain('Playing the copy saved on this device.')
    const note = page.getByTestId('watch-queue-note')
    await expect
      .poll(() => note.innerText().catch(() => ''))
      .toContain(
        "You're offline — your progress is saved on this phone and will be sent when you're back online.",
      )
    await expect.poll(() => viewer.innerText()).toContain('saved on this phone, not sent yet')
    // The viewer pauses at the clip's end; from then on it reports nothing, so only the queue can
    // bring this watch to the server once the phone is online again.
    await expect
      .poll(() => page.evaluate(() => document.querySelector('video')?.paused ?? false))
      .toBe(true)
    await screenshot(page, artifacts, 'player-03-watched-offline')
    // Only the queue can complete it now: nothing reached the server while the phone was offline.
    expect(await serverStatus()).not.toBe('completed')

    await page.context().setOffline(false)
    await expect
      .poll(() => note.innerText().catch(() => ''))
      .toMatch(/Your progress on 1 clip watched offline has been counted/)
    await expect.poll(() => serverStatus()).toBe('completed')
    await page.getByRole('tab', { name: 'Assignments' }).click()
    await expect.poll(() => item.getAttribute('data-status')).toBe('completed')
    await expect.poll(() => item.innerText()).toMatch(/1 of 1 clips watched/)
    await screenshot(page, artifacts, 'player-04-offline-watch-counted')
  })

  /** If joining by code failed above, the rest of the day still runs on a membership made by API. */
  async function ensureMember() {
    const me = await fn<{ memberships: { org: { id: string } }[] }>(apiUrl, player, 'GET', 'me')
    if (me.memberships.some((m) => m.org.id === orgId)) return
    await fn(apiUrl, coach, 'POST', `orgs/${orgId}/members`, {
      username: player.username,
      role: 'member',
    })
    await page.goto(`${spaUrl}/`)
  }
})
