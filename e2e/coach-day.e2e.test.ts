import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from './browser'
import { type ApiUser, createClub, fn, logIn, provided } from './flows'
import { generateMatchVideo } from './media'
import { clipRow, cutClip, narrateClip, openUploadedMatch, videoTime } from './review'
import { useBrowserSession } from './session'

// Issue 6: a coach's day, end to end in the browser — upload → cut a clip → narrate → tag →
// search finds the narration → assign the clip to a player (MEDIA-1/3/4, SEG-1/3, NARR-1/5, TAG-2,
// ASG-1).
describe("a coach's day", () => {
  const { spaUrl, apiUrl, artifacts } = provided()
  const narration = 'Hooker throws long to the tail, the maul drives twenty metres to the corner'
  const assignmentTitle = 'Lineout maul review'
  const clip = { start: 2, end: 8, title: 'Lineout maul' }
  const session = useBrowserSession('coach')
  let page: Page
  let coach: ApiUser
  let player: ApiUser
  let orgId: string
  let reviewUrl: string

  beforeAll(async () => {
    ;({ coach, player, orgId } = await createClub(apiUrl, 'Coach Day RFC'))
    page = await session.open('coach')
    await logIn(page, spaUrl, coach)
  })

  it('uploads a match and opens its review page once it has processed', async () => {
    reviewUrl = await openUploadedMatch(page, generateMatchVideo(session.workDir, 10))
    await expect.poll(() => page.getByRole('heading', { name: 'Narrate' }).isVisible()).toBe(true)
  })

  it('cuts a clip and sets its timing in the editor', async () => {
    await cutClip(page, clip)
    await expect.poll(() => clipRow(page, clip.title).innerText()).toMatch(/0:02–0:08/)
    await expect
      .poll(() => page.getByRole('heading', { name: /^Selected clip/ }).innerText())
      .toBe('Selected clip 0:02–0:08')
  })

  it('narrates the clip by typing, from its start', async () => {
    // Choosing the clip moves the playhead to its start: the narration is timed from there.
    await narrateClip(page, clip, narration)
    const saved = page.getByTestId('narration').filter({ hasText: narration })
    await expect.poll(() => saved.count()).toBe(1)
    expect(await saved.innerText()).toMatch(/0:02/)
    expect(await saved.innerText()).toContain(`@${coach.username}`)
    await expect
      .poll(() => page.getByTestId('segment-row').filter({ hasText: 'Lineout maul' }).innerText())
      .toMatch(/1 narration\b/)
    // The text box is emptied only when the narration was stored.
    expect(await page.getByLabel('Type a narration').inputValue()).toBe('')
  })

  it('tags the clip with a set piece and the player in it', async () => {
    await page.getByRole('combobox', { name: 'Add tag' }).selectOption({ label: 'Lineout' })
    await page.getByRole('button', { name: 'Add tag', exact: true }).click()
    await page.getByRole('combobox', { name: 'Tag a player' }).selectOption({ label: player.name })
    await page.getByRole('button', { name: 'Tag player' }).click()

    const clip = page.getByTestId('segment-row').filter({ hasText: 'Lineout maul' })
    await expect.poll(() => clip.innerText()).toContain('Lineout')
    await expect.poll(() => clip.innerText()).toContain(`@${player.name}`)
    await expect
      .poll(() => page.getByRole('button', { name: `Remove tag ${player.name}` }).count())
      .toBe(1)
    await screenshot(page, artifacts, 'coach-01-review-narrated-tagged')
  })

  it('finds the narration in search and jumps to its moment', async () => {
    await page.getByRole('link', { name: 'Search', exact: true }).click()
    await page.waitForURL(/\/search/)
    await page.getByRole('searchbox', { name: 'Search narrations' }).fill('maul corner')
    await page.getByRole('button', { name: 'Search', exact: true }).click()

    // The clip's AI insight quotes the note too (a "Clip insight" result); the narration is one.
    const hit = page
      .getByTestId('search-result')
      .filter({ hasText: narration })
      .filter({ has: page.locator('.kind', { hasText: /^Narration$/ }) })
    await expect.poll(() => hit.count()).toBe(1)
    await screenshot(page, artifacts, 'coach-02-search')
    await hit.getByRole('link', { name: /0:02 — open this moment/ }).click()

    await page.waitForURL((url) => url.href.startsWith(reviewUrl) && url.searchParams.has('t'))
    await page.getByTestId('player-video').waitFor({ state: 'visible' })
    await expect
      .poll(() => videoTime(page, '[data-testid="player-video"]'))
      .toBeGreaterThanOrEqual(1.9)
    await expect
      .poll(() => page.getByRole('heading', { name: /^Selected clip/ }).innerText())
      .toBe('Selected clip 0:02–0:08')
  })

  it('assigns the clip to the player and sees it waiting for them', async () => {
    await page.getByRole('link', { name: 'Assignments', exact: true }).click()
    await page.waitForURL(/\/assignments$/)
    await page.getByLabel('Assignment title').fill(assignmentTitle)
    await page.getByLabel('What to look for').fill('Watch the hooker and the maul set-up.')
    await page.getByLabel('Send to').selectOption({ label: 'One player' })
    await page.getByLabel('Player', { exact: true }).selectOption({ label: player.name })
    await page.getByLabel('Video').selectOption({ label: 'e2e-match' })
    await page.getByRole('checkbox', { name: /0:02–0:08 Lineout maul/ }).check()
    await page.getByRole('button', { name: 'Send assignment' }).click()

    await expect
      .poll(() => page.getByRole('status').first().innerText())
      .toBe(`“${assignmentTitle}” was sent.`)
    const row = page.getByTestId('assignment-row').filter({ hasText: assignmentTitle })
    await expect.poll(() => row.innerText()).toMatch(/0 \/ 1/)
    await row.getByRole('button', { name: 'Progress' }).click()
    await expect
      .poll(() => page.getByRole('heading', { name: `${assignmentTitle} — who watched` }).count())
      .toBe(1)
    const detail = page.locator('section', { hasText: 'who watched' })
    expect(await detail.innerText()).toMatch(new RegExp(`@${player.username}\\s+Not started`))
    await screenshot(page, artifacts, 'coach-03-assigned')

    // The other side of the assignment, as the player's own session sees it.
    const inbox = await fn<{ items: { title: string; totalSegments: number }[] }>(
      apiUrl,
      player,
      'GET',
      `feed/inbox?orgId=${orgId}`,
    )
    expect(inbox.items.map((i) => [i.title, i.totalSegments])).toEqual([[assignmentTitle, 1]])
  })
})
