import type { Locator, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { PHONE, screenshot } from './browser'
import {
  type ApiUser,
  assignToPlayerApi,
  createClub,
  fn,
  logIn,
  provided,
  uploadMediaApi,
} from './flows'
import { generateMatchVideo } from './media'
import { statusText, waitForPlayer } from './review'
import { useBrowserSession } from './session'

/** How far the browser got with an <audio> element: its source, readyState and duration. */
function audioState(audio: Locator) {
  return audio.evaluate((el: HTMLAudioElement) => ({
    src: el.currentSrc,
    readyState: el.readyState,
    duration: el.duration,
    error: el.error?.code ?? null,
  }))
}

/** Words of an AI-1 headline; separators such as "·" are not words (as the server counts them). */
const headlineWords = (headline: string) =>
  headline.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w))

// AI-1 + AI-3 in the browser: the coach narrates a clip and reads its insight beside the player,
// sees it regenerated after a second narration and hears the coach script; the player assigned
// the clip reads the same notes under it in the feed and listens to them.
describe('clip insights and coach audio', () => {
  const { spaUrl, apiUrl, artifacts } = provided()
  const first = 'Ruck speed is too slow; the ruck needs two cleaners over the ball at once'
  const second = 'Scrum half waits at the ruck, then a box kick nobody chases'
  const assignmentTitle = 'Ruck speed review'
  const session = useBrowserSession('insights')
  let page: Page
  let playerPage: Page
  let coach: ApiUser
  let player: ApiUser
  let orgId: string
  let mediaId: string

  beforeAll(async () => {
    ;({ coach, player, orgId } = await createClub(apiUrl, 'Insight RFC'))
    const file = generateMatchVideo(session.workDir, 12)
    mediaId = (await uploadMediaApi(apiUrl, coach, orgId, file, 'Sat v Saints')).id
    page = await session.open('coach')
    playerPage = await session.open('player', PHONE)
    await logIn(page, spaUrl, coach)
  })

  const card = () => page.getByTestId('insight-card')

  it('a new clip has no insight yet, and its coach audio says why it is disabled', async () => {
    await page.goto(`${spaUrl}/orgs/${orgId}/media/${mediaId}`)
    await waitForPlayer(page)
    await expect
      .poll(() => page.getByRole('button', { name: /^New clip at/ }).isEnabled())
      .toBe(true)
    await page.getByRole('button', { name: /^New clip at/ }).click()
    await expect.poll(() => statusText(page)).toMatch(/Clip created/)
    await expect.poll(() => page.getByTestId('segment-row').count()).toBe(1)

    await expect.poll(() => card().getByTestId('insight-empty').innerText()).toMatch(/No narration/)
    const button = card().getByRole('button', { name: /Play coach audio/ })
    expect(await button.isDisabled()).toBe(true)
    expect(await card().getByTestId('coach-audio-reason').innerText()).toMatch(
      /No narration yet: narrate this clip/,
    )
  })

  it('after a typed narration the card shows a headline built from it', async () => {
    await page.getByLabel('Add to the selected clip').check()
    await page.getByLabel('Type a narration').fill(first)
    await page.getByRole('button', { name: 'Save narration' }).click()
    await expect.poll(() => statusText(page)).toMatch(/^Narration added to the clip/)

    // The card reads the insight only once the coach can see it (a first read runs the model).
    await card().scrollIntoViewIfNeeded()
    const headline = card().getByTestId('insight-headline')
    await expect.poll(() => headline.isVisible()).toBe(true)
    const text = await headline.innerText()
    // AI-1: 3–6 words, and (offline template) the narration's most said word leads.
    expect(headlineWords(text).length).toBeGreaterThanOrEqual(3)
    expect(headlineWords(text).length).toBeLessThanOrEqual(6)
    expect(text).toMatch(/^ruck\b/)
    expect(await card().getByTestId('insight-summary').innerText()).toContain('Ruck speed')
    expect(await card().getByTestId('insight-script').innerText()).toContain('Ruck speed')
    expect(await card().getByTestId('insight-meta').innerText()).toMatch(
      /^offline-template · .+ · from 1 narration$/,
    )
    expect(
      await card()
        .getByRole('button', { name: /Play coach audio/ })
        .isEnabled(),
    ).toBe(true)
  })

  it('a second narration regenerates the insight, and the card says so', async () => {
    await page.getByLabel('Type a narration').fill(second)
    await page.getByRole('button', { name: 'Save narration' }).click()

    await expect
      .poll(() => card().getByTestId('insight-note').innerText())
      .toBe('Insight regenerated from 2 narrations (was 1).')
    expect(await card().getByTestId('insight-meta').innerText()).toMatch(/from 2 narrations$/)
    expect(await card().getByTestId('insight-summary').innerText()).toMatch(/^2 note\(s\)/)
    await screenshot(page, artifacts, 'insights-01-review-card-1280')
  })

  it('plays the coach audio: the <audio> element gets the file and loads it', async () => {
    await card().getByRole('button', { name: 'Play coach audio' }).click()
    const audio = card().getByTestId('coach-audio')
    await expect.poll(() => audio.count()).toBe(1)
    await expect.poll(async () => (await audioState(audio)).readyState).toBeGreaterThanOrEqual(1)
    const state = await audioState(audio)
    expect(state.src).toMatch(/insights\/.+\.mp3/)
    expect(state.error).toBeNull()
    expect(state.duration).toBeGreaterThan(0)

    await page.setViewportSize({ width: 360, height: 740 })
    await card().scrollIntoViewIfNeeded()
    await screenshot(page, artifacts, 'insights-02-review-card-360')
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('the player assigned the clip reads the notes in the feed and listens to the coach', async () => {
    const { items } = await fn<{ items: { id: string; narrationCount: number }[] }>(
      apiUrl,
      coach,
      'GET',
      `segments?mediaAssetId=${mediaId}`,
    )
    expect(items.map((s) => s.narrationCount)).toEqual([2])
    await assignToPlayerApi(apiUrl, coach, orgId, player, [items[0]!.id], assignmentTitle)

    await logIn(playerPage, spaUrl, player)
    await playerPage.goto(`${spaUrl}/orgs/${orgId}/feed`)
    const item = playerPage.getByTestId('inbox-item').filter({ hasText: assignmentTitle })
    await item.getByRole('button', { name: `Watch ${assignmentTitle}` }).click()
    const viewer = playerPage.getByRole('region', { name: 'Clip viewer' })
    const notes = viewer.getByTestId('feed-insight')
    await expect
      .poll(() => notes.getByTestId('feed-insight-headline').innerText())
      .toMatch(/^ruck\b/)
    expect(await notes.getByTestId('feed-insight-script').innerText()).toContain('Ruck speed')

    await notes.getByRole('button', { name: /Listen to coach/ }).click()
    const audio = notes.getByTestId('coach-audio')
    await expect.poll(async () => (await audioState(audio)).readyState).toBeGreaterThanOrEqual(1)
    expect((await audioState(audio)).duration).toBeGreaterThan(0)
    // The phone layout stays inside the screen: nothing scrolls sideways.
    expect(
      await playerPage.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(360)
    await screenshot(playerPage, artifacts, 'insights-03-feed-360')
    await playerPage.setViewportSize({ width: 1280, height: 800 })
    await screenshot(playerPage, artifacts, 'insights-04-feed-1280')
    await playerPage.setViewportSize({ width: 360, height: 740 })
  })

  it('offline, a saved clip still plays and the notes say they wait for a connection', async () => {
    const viewer = playerPage.getByRole('region', { name: 'Clip viewer' })
    await viewer.getByRole('button', { name: 'Save for offline' }).click()
    await expect.poll(() => playerPage.getByTestId('saved-offline').isVisible()).toBe(true)
    await viewer.getByRole('button', { name: 'Close viewer' }).click()

    await playerPage.context().setOffline(true)
    await expect.poll(() => playerPage.getByTestId('offline-banner').isVisible()).toBe(true)
    await playerPage.getByRole('tab', { name: /Saved offline/ }).click()
    await playerPage
      .getByTestId('saved-clip')
      .filter({ hasText: assignmentTitle })
      .getByRole('button', { name: /^Play saved clip/ })
      .click()
    await expect.poll(() => viewer.innerText()).toContain('Playing the copy saved on this device.')
    const notes = viewer.getByTestId('feed-insight')
    expect(await notes.innerText()).toBe('Coach notes for this clip load when you are back online.')
    expect(await viewer.getByRole('alert').count()).toBe(0)
    await screenshot(playerPage, artifacts, 'insights-05-feed-offline-360')

    await playerPage.context().setOffline(false)
    await expect
      .poll(() => notes.getByTestId('feed-insight-headline').innerText())
      .toMatch(/^ruck\b/)
  })
})
