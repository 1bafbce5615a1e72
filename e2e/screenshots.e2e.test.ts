import type { BrowserContextOptions, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from './browser'
import {
  addMemberApi,
  type ApiUser,
  assignToPlayerApi,
  createOrgApi,
  createSegmentApi,
  fn,
  logIn,
  makePlatformAdmin,
  provided,
  signUpApi,
  uploadMediaApi,
} from './flows'
import { generateMatchVideo } from './media'
import { useBrowserSession } from './session'

// Issue 6: the key pages at phone and desktop width, saved as artifacts (test-results/e2e/) for a
// person to look at. Each shot waits for the page's real content, and every page must fit the
// width of a 360 px phone without sideways scrolling ("Responsive from 360 px phones").
const VIEWPORTS = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 800 },
} as const
type ViewportName = keyof typeof VIEWPORTS

describe('screenshots of the key pages', () => {
  const { spaUrl, apiUrl, dbUrl, artifacts } = provided()
  const overflow: string[] = []
  const narration = 'Tighthead scrummages square, the eight picks up and carries over the gain line'
  const session = useBrowserSession('shots')
  let coach: ApiUser
  let player: ApiUser
  let admin: ApiUser
  let orgId: string
  let orgName: string
  let media: { id: string; name: string }

  beforeAll(async () => {
    ;[coach, player, admin] = await Promise.all([
      signUpApi(apiUrl, 'coach'),
      signUpApi(apiUrl, 'player'),
      signUpApi(apiUrl, 'admin'),
    ])
    await makePlatformAdmin(dbUrl, admin)
    orgName = `Screenshot RFC ${coach.username.slice(-6)}`
    orgId = (await createOrgApi(apiUrl, coach, orgName)).id
    await addMemberApi(apiUrl, coach, orgId, player)
    media = await uploadMediaApi(
      apiUrl,
      coach,
      orgId,
      generateMatchVideo(session.workDir, 10),
      'Round 7 v Saracens',
    )
    const segment = await createSegmentApi(apiUrl, coach, media.id, 2, 9, 'Scrum penalty won')
    await fn(apiUrl, coach, 'POST', 'narrations', {
      mediaAssetId: media.id,
      segmentId: segment.id,
      text: narration,
      startSeconds: 2,
      endSeconds: 6,
    })
    await fn(apiUrl, coach, 'POST', 'tags', {
      segmentId: segment.id,
      tagType: 'context',
      tagKey: 'scrum',
    })
    await assignToPlayerApi(apiUrl, coach, orgId, player, [segment.id], 'Scrum review')
  })

  /** A page for `who` at the width of `view`, a phone behaving as one. */
  function open(view: ViewportName, who: string): Promise<Page> {
    const phone = view === 'phone'
    const options: BrowserContextOptions = {
      viewport: VIEWPORTS[view],
      isMobile: phone,
      hasTouch: phone,
      deviceScaleFactor: 1,
    }
    return session.open(`${view} ${who}`, options)
  }

  async function shoot(page: Page, view: ViewportName, name: string) {
    // Let lazy images and the video's first frame settle into the picture, not into the assertion.
    await page.evaluate(() => document.fonts.ready.then(() => undefined))
    const sideways = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    if (sideways > 1) overflow.push(`${view}/${name}: ${sideways}px wider than the screen`)
    await screenshot(page, artifacts, `pages-${view}-${name}`)
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).first().innerText()

  describe.each(Object.keys(VIEWPORTS) as ViewportName[])('at %s width', (view) => {
    it('login and sign-up', async () => {
      const page = await open(view, 'visitor')
      await page.goto(`${spaUrl}/`)
      await page.waitForURL(/\/login$/)
      await expect.poll(() => heading(page)).toBe('Log in')
      await shoot(page, view, '01-login')
      await page.getByRole('link', { name: 'Create an account' }).click()
      await expect.poll(() => heading(page)).toBe('Create your account')
      await shoot(page, view, '02-signup')
      await page.context().close()
    })

    it("the coach's overview, library, review page, match overview and search", async () => {
      const page = await open(view, 'coach')
      await logIn(page, spaUrl, coach)

      await page.waitForURL(new RegExp(`/orgs/${orgId}$`))
      await expect.poll(() => heading(page)).toBe(orgName)
      await expect.poll(() => page.getByText(media.name).count()).toBeGreaterThan(0)
      await shoot(page, view, '03-overview')

      await page.goto(`${spaUrl}/orgs/${orgId}/library`)
      const row = page.getByTestId('media-row').filter({ hasText: media.name })
      await expect.poll(() => row.getAttribute('data-status')).toBe('complete')
      await shoot(page, view, '04-library')

      await page.goto(`${spaUrl}/orgs/${orgId}/media/${media.id}`)
      const video = page.getByTestId('player-video')
      await video.waitFor({ state: 'visible' })
      await expect
        .poll(() => page.getByTestId('narration').filter({ hasText: narration }).count())
        .toBe(1)
      await page.getByTestId('segment-row').getByRole('button').first().click()
      await expect
        .poll(() => video.evaluate((v) => (v as HTMLVideoElement).readyState))
        .toBeGreaterThanOrEqual(2)
      await page.evaluate(() => window.scrollTo(0, 0))
      await shoot(page, view, '05-review')

      await page.getByRole('link', { name: 'Match overview' }).click()
      await expect.poll(() => heading(page)).toBe(`${media.name} — overview`)
      await expect.poll(() => page.getByText('Loading overview…').count()).toBe(0)
      await shoot(page, view, '06-match-overview')

      await page.goto(`${spaUrl}/orgs/${orgId}/search?q=scrum`)
      await expect
        .poll(() => page.getByTestId('search-result').filter({ hasText: narration }).count())
        .toBe(1)
      await shoot(page, view, '07-search')
      await page.context().close()
    })

    it("the player's feed", async () => {
      const page = await open(view, 'player')
      await logIn(page, spaUrl, player)
      await page.goto(`${spaUrl}/orgs/${orgId}/feed`)
      await expect
        .poll(() => page.getByTestId('inbox-item').filter({ hasText: 'Scrum review' }).count())
        .toBe(1)
      await shoot(page, view, '08-feed')
      await page.context().close()
    })

    it('the admin console', async () => {
      const page = await open(view, 'admin')
      await logIn(page, spaUrl, admin)
      await page.waitForURL(/\/admin$/)
      await expect.poll(() => page.getByRole('list', { name: 'Platform figures' }).count()).toBe(1)
      await shoot(page, view, '09-admin-console')
      await page.context().close()
    })
  })

  it('every page fits the screen without sideways scrolling', () => {
    expect(overflow).toEqual([])
  })
})
