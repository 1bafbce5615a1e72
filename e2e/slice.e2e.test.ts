import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { screenshot, uniqueUser } from './browser'
import { provided, uploadInLibrary } from './flows'
import { generateFakeVideo, generateMatchVideo } from './media'
import { videoTime } from './review'
import { useBrowserSession } from './session'

// Issue 2's slice as a coach does it: sign up, create a club, upload, wait, play.
describe('walking skeleton in a real browser', () => {
  const { spaUrl, artifacts } = provided()
  const session = useBrowserSession('media')
  let page: Page

  beforeAll(async () => {
    page = await session.open('coach')
  })

  it('signs up and creates an org', async () => {
    const coach = uniqueUser('coach')
    await page.goto(`${spaUrl}/signup`)
    await page.getByLabel('Email').fill(coach.email)
    await page.getByLabel('Username').fill(coach.username)
    await page.getByLabel(/^(Full )?name$/i).fill(coach.name)
    await page.getByLabel('Password', { exact: true }).fill(coach.password)
    await page.getByRole('button', { name: /sign up|create account/i }).click()

    await page.getByLabel(/organi[sz]ation name|club name/i).fill('E2E Rugby Club')
    await page.getByRole('button', { name: /create/i }).click()
    await expect.poll(() => page.url()).toMatch(/\/orgs\//)
    await screenshot(page, artifacts, 'slice-01-org-created')
  })

  it('uploads a match, sees it process live, and plays it with at least two levels', async () => {
    await page.goto(page.url().replace(/\/orgs\/([^/]+).*$/, '/orgs/$1/library'))
    const row = await uploadInLibrary(page, generateMatchVideo(session.workDir))
    await screenshot(page, artifacts, 'slice-02-library-complete')

    await row.getByRole('link').first().click()
    const video = page.getByTestId('player-video')
    await video.waitFor({ state: 'visible' })
    await expect
      .poll(() =>
        page.evaluate(
          () => (window as { __rcPlayer?: { levels: number } }).__rcPlayer?.levels ?? 0,
        ),
      )
      .toBeGreaterThanOrEqual(2)
    // Playback must really advance, not just load: muted autoplay is allowed by the flags above.
    await page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')!
      v.muted = true
      return v.play()
    })
    await expect.poll(() => videoTime(page, '[data-testid="player-video"]')).toBeGreaterThan(1)
    await screenshot(page, artifacts, 'slice-03-playing')
  })

  it('shows a renamed text file as failed with a reason a coach understands', async () => {
    await page.goBack()
    await page.waitForURL(/\/library/)
    const file = generateFakeVideo(session.workDir)
    await page.getByTestId('upload-input').setInputFiles(file)

    const row = page.getByTestId('media-row').filter({ hasText: 'not-really-a-video' })
    await expect
      .poll(() => row.getAttribute('data-status'), { timeout: 120_000, interval: 1000 })
      .toBe('failed')
    const reason = (await row.getByTestId('media-status').innerText()).toLowerCase()
    // A coach must learn what went wrong and what to do, not an ffmpeg message.
    expect(reason).toMatch(/video|mp4|file/)
    expect(reason).not.toMatch(/ffprobe|ffmpeg|exit code|stderr|undefined|null/)
    await screenshot(page, artifacts, 'slice-04-bad-upload')
  })
})
