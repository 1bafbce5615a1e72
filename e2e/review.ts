import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { uploadInLibrary } from './flows'

// Steps on the review page (player + review panel) that several journeys take. Each waits for
// what the page shows, never for time: the playhead is placed exactly before a clip is cut, and a
// save counts as done once the refreshed clip list shows it.

export const mmss = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`

/** The review panel's message line (its first role=status). */
export const statusText = (page: Page) => page.getByRole('status').first().innerText()

const newClipButton = (page: Page) => page.getByRole('button', { name: /^New clip at/ })
const player = (page: Page) => page.getByTestId('player-video')

/** The current time of the first video matching `selector`, as the user's player shows it. */
export function videoTime(page: Page, selector: string): Promise<number> {
  return page.evaluate(
    (sel) => document.querySelector<HTMLVideoElement>(sel)?.currentTime ?? -1,
    selector,
  )
}

/** Waits until the review player knows the video's length: before that, no seek can land. */
export async function waitForPlayer(page: Page) {
  await player(page).waitFor({ state: 'visible' })
  await expect
    .poll(() => player(page).evaluate((v: HTMLVideoElement) => v.readyState >= 1 && v.duration > 0))
    .toBe(true)
}

/**
 * Moves the playhead to exactly `seconds` and keeps the video paused there, as a coach does with
 * the native controls before cutting; returns once the seek is done and the panel follows it.
 */
export async function seekPlayer(page: Page, seconds: number) {
  await waitForPlayer(page)
  await player(page).evaluate((v: HTMLVideoElement, t: number) => {
    v.pause()
    v.currentTime = t
  }, seconds)
  await expect
    .poll(() =>
      player(page).evaluate(
        (v: HTMLVideoElement, t: number) => !v.seeking && Math.abs(v.currentTime - t) < 0.01,
        seconds,
      ),
    )
    .toBe(true)
  await expect.poll(() => newClipButton(page).innerText()).toBe(`New clip at ${mmss(seconds)}`)
}

/** From the library: uploads `file`, waits until it has processed and opens its review page. */
export async function openUploadedMatch(page: Page, file: string): Promise<string> {
  await page.getByRole('link', { name: 'Library', exact: true }).click()
  await page.waitForURL(/\/library$/)
  const row = await uploadInLibrary(page, file)
  await row.getByRole('link').first().click()
  await page.waitForURL(/\/media\/[0-9a-f-]+$/)
  await waitForPlayer(page)
  return page.url()
}

export interface ClipPlan {
  start: number
  end: number
  title: string
}

/** Cuts a clip at the playhead (placed at the clip's start), then sets its timing and title. */
export async function cutClip(page: Page, clip: ClipPlan) {
  await seekPlayer(page, clip.start)
  await newClipButton(page).click()
  await expect.poll(() => statusText(page)).toMatch(/^Clip created/)
  await page.getByLabel('Start (seconds)').fill(String(clip.start))
  await page.getByLabel('End (seconds)').fill(String(clip.end))
  await page.getByLabel('Clip title').fill(clip.title)
  await page.getByRole('button', { name: 'Save timing' }).click()
  await expect.poll(() => statusText(page)).toBe('Clip timing saved.')
  await expect
    .poll(() => clipRow(page, clip.title).innerText())
    .toContain(`${mmss(clip.start)}–${mmss(clip.end)}`)
}

export const clipRow = (page: Page, title: string) =>
  page.getByTestId('segment-row').filter({ hasText: title })

/**
 * Chooses the clip (the playhead moves to its start) and types a narration into it; returns once
 * the narration is listed and the clip counts `narrations` of them.
 */
export async function narrateClip(page: Page, clip: ClipPlan, note: string, narrations = 1) {
  await clipRow(page, clip.title).getByRole('button', { name: clip.title }).click()
  // The note is timed from the panel's playhead, which follows the video once its seek is done.
  await expect
    .poll(() => videoTime(page, '[data-testid="player-video"]'))
    .toBeCloseTo(clip.start, 0)
  await expect.poll(() => newClipButton(page).innerText()).toBe(`New clip at ${mmss(clip.start)}`)
  await page.getByLabel('Add to the selected clip').check()
  await page.getByLabel('Type a narration').fill(note)
  await page.getByRole('button', { name: 'Save narration' }).click()
  await expect
    .poll(() => statusText(page))
    .toBe(`Narration added to the clip ${mmss(clip.start)}–${mmss(clip.end)}.`)
  await expect.poll(() => page.getByTestId('narration').filter({ hasText: note }).count()).toBe(1)
  await expect
    .poll(() => clipRow(page, clip.title).innerText())
    .toMatch(new RegExp(`\\b${narrations} narrations?\\b`))
}
