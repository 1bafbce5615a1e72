import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from './browser'
import { type ApiUser, createOrgApi, logIn, provided, signUpApi } from './flows'
import { generateMatchVideo } from './media'
import { cutClip, mmss, narrateClip, openUploadedMatch, videoTime, waitForPlayer } from './review'
import { useBrowserSession } from './session'

// Issue 8's acceptance chain in the browser, offline: narrate → transcript → search hit → match
// intelligence (AI-2) → ask the match with cited evidence and clips (AI-4) → open a clip.
const CLIPS = [
  {
    start: 1,
    end: 7,
    title: 'Lineout on our 22',
    note: 'Crooked lineout throw again, hooker needs to straighten it',
  },
  {
    start: 8,
    end: 14,
    title: 'Breakdown turnover',
    note: 'Great jackal turnover by our seven at the ruck',
  },
  {
    start: 15,
    end: 21,
    title: 'Box kick chase',
    note: 'Box kick chase too slow, the winger lost the high ball contest',
  },
] as const // the review panel's minimum clip is 6 s

describe('match intelligence and ask-the-match', () => {
  const { spaUrl, apiUrl, artifacts } = provided()
  const session = useBrowserSession('intel')
  let page: Page
  let coach: ApiUser
  let reviewUrl: string

  beforeAll(async () => {
    coach = await signUpApi(apiUrl, 'coach')
    await createOrgApi(apiUrl, coach, `Intelligence RFC ${coach.username}`)
    page = await session.open('coach')
    await logIn(page, spaUrl, coach)
  })

  it('uploads a match, whose overview has no intelligence yet', async () => {
    reviewUrl = await openUploadedMatch(page, generateMatchVideo(session.workDir, 22))

    await page.getByRole('link', { name: 'Match overview' }).click()
    await page.waitForURL(/\/overview$/)
    const card = page.getByTestId('match-intelligence')
    await expect
      .poll(() => card.innerText())
      .toContain('No narrations yet — narrate clips to get a summary')
    await card.getByRole('link', { name: 'Open the match to narrate clips' }).click()
    await page.waitForURL(reviewUrl)
    await waitForPlayer(page)
  })

  it('cuts three clips and narrates each by typing; the notes become transcripts', async () => {
    for (const clip of CLIPS) {
      await cutClip(page, clip)
      await narrateClip(page, clip, clip.note)
    }
    for (const clip of CLIPS) {
      const saved = page.getByTestId('narration').filter({ hasText: clip.note })
      await expect.poll(() => saved.count()).toBe(1)
    }
    // Typed notes are their own transcript: none waits on the transcription job.
    expect(await page.getByTestId('narration').filter({ hasText: 'Transcribing…' }).count()).toBe(0)
  })

  it('finds the lineout note in search', async () => {
    await page.getByRole('link', { name: 'Search', exact: true }).click()
    await page.waitForURL(/\/search/)
    await page.getByRole('searchbox', { name: 'Search narrations' }).fill('lineout')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    // The snippet may shorten the note, so its opening words identify it; it ranks first, under
    // its match's name.
    const first = page.getByTestId('search-result').first()
    await expect
      .poll(() => first.innerText())
      .toMatch(/^Narration\s+e2e-match\s+0:01 — open this moment\s+Crooked lineout throw again/i)
  })

  it('shows the match intelligence headline on the overview', async () => {
    await page.goto(reviewUrl)
    await page.getByRole('link', { name: 'Match overview' }).click()
    await page.waitForURL(/\/overview$/)
    const card = page.getByTestId('match-intelligence')
    const headline = card.getByTestId('intelligence-headline')
    await headline.waitFor({ state: 'visible' })
    expect((await headline.innerText()).trim()).not.toBe('')
    // Three notes is a light summary: one line, no sections.
    expect(await card.getByTestId('intelligence-level').innerText()).toBe(
      'Light — fewer than 25 notes, one line only',
    )
    expect(await card.getByRole('list', { name: 'Summary' }).getByRole('listitem').count()).toBe(1)
    expect(await card.getByTestId('intelligence-provenance').innerText()).toMatch(
      /^Built by .+ from 3 notes · /,
    )
  })

  it('asks what went wrong at the lineout and gets cited evidence and clips', async () => {
    const ask = page.getByTestId('ask-the-match')
    const field = ask.getByLabel('Your question')
    // Too short: the page says what to change and asks nothing.
    await field.fill('ab')
    await field.press('Enter')
    await expect.poll(() => ask.getByRole('alert').innerText()).toMatch(/at least 3 characters/)
    expect(await ask.getByTestId('answer').count()).toBe(0)

    await field.fill('what went wrong at the lineout?')
    await field.press('Enter')
    const answer = ask.getByTestId('answer')
    await answer.waitFor({ state: 'visible' })
    expect((await answer.getByTestId('answer-text').innerText()).trim()).not.toBe('')

    const cited = answer.getByTestId('cited-evidence').getByTestId('evidence')
    expect(await cited.count()).toBeGreaterThanOrEqual(1)
    expect(await cited.first().innerText()).toContain(CLIPS[0].note)
    expect(await cited.first().getByTestId('evidence-link').innerText()).toBe(
      `${mmss(CLIPS[0].start)} — open this moment`,
    )
    // The confidence line counts every piece of evidence shown, cited or folded away.
    const others = answer.getByTestId('other-evidence').getByTestId('evidence')
    const total = (await cited.count()) + (await others.count())
    expect(await answer.getByTestId('confidence').innerText()).toMatch(
      new RegExp(`^(Low|Medium|High) confidence\\s[\\s\\S]*\\b${total} notes? back this answer`),
    )
    expect(await answer.getByTestId('recommended-clip').count()).toBeGreaterThanOrEqual(1)

    await screenshot(page, artifacts, 'intelligence-1280-overview-answer')
    await page.setViewportSize({ width: 360, height: 740 })
    const sideways = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    await screenshot(page, artifacts, 'intelligence-360-overview-answer')
    expect(sideways).toBeLessThanOrEqual(1)
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('opens the recommended lineout clip in the player', async () => {
    const clip = page.getByTestId('recommended-clip').filter({ hasText: CLIPS[0].note })
    expect(await clip.first().innerText()).toMatch(
      new RegExp(`^Clip ${mmss(CLIPS[0].start)}–${mmss(CLIPS[0].end)}`),
    )
    await clip.first().click()
    await page.waitForURL(
      (url) => url.href.startsWith(reviewUrl) && url.searchParams.has('segment'),
    )
    await page.getByTestId('player-video').waitFor({ state: 'visible' })
    await expect
      .poll(() => page.getByRole('heading', { name: /^Selected clip/ }).innerText())
      .toBe(`Selected clip ${mmss(CLIPS[0].start)}–${mmss(CLIPS[0].end)}`)
    await expect
      .poll(() => videoTime(page, '[data-testid="player-video"]'))
      .toBeGreaterThanOrEqual(CLIPS[0].start - 0.1)
    await screenshot(page, artifacts, 'intelligence-1280-player-from-clip')
  })
})
