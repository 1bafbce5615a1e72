import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from './browser'
import {
  type ApiUser,
  callFn,
  createClub,
  createSegmentApi,
  logIn,
  provided,
  uploadMediaApi,
} from './flows'
import { generateMatchVideo } from './media'
import { useBrowserSession } from './session'

// Issue 6: a member (player) sees and plays the org's video but none of the staff tools; a staff
// screen opened by URL says so plainly; and the API refuses the same actions on its own.
describe('a member blocked from staff-only screens', () => {
  const { spaUrl, apiUrl, artifacts } = provided()
  const STAFF_TABS = ['Assignments', 'Groups', 'Members', 'Usage']
  const session = useBrowserSession('member')
  let page: Page
  let coach: ApiUser
  let member: ApiUser
  let orgId: string
  let media: { id: string; name: string }
  let segmentId: string

  beforeAll(async () => {
    const club = await createClub(apiUrl, 'Members Only RFC', { other: 'member' })
    ;({ coach, player: member, orgId } = club)
    const file = generateMatchVideo(session.workDir, 8)
    media = await uploadMediaApi(apiUrl, coach, orgId, file, 'Cup final')
    segmentId = (await createSegmentApi(apiUrl, coach, media.id, 1, 7, 'Scrum')).id
    page = await session.open('member')
    await logIn(page, spaUrl, member)
  })

  it('lands in the org and is offered only the member screens', async () => {
    await page.waitForURL(new RegExp(`/orgs/${orgId}$`))
    const nav = page.getByRole('navigation', { name: 'Organization' })
    await expect
      .poll(() => nav.getByRole('link').allInnerTexts())
      .toEqual(['Overview', 'Library', 'Feed', 'Search', 'Playlists'])
  })

  it('sees the library without upload, edit or delete', async () => {
    await page.getByRole('link', { name: 'Library', exact: true }).click()
    const row = page.getByTestId('media-row').filter({ hasText: media.name })
    await expect.poll(() => row.getAttribute('data-status')).toBe('complete')
    expect(await page.getByTestId('upload-input').count()).toBe(0)
    expect(await page.getByText('Choose video files').count()).toBe(0)
    expect(await row.getByRole('button', { name: `Edit ${media.name}` }).count()).toBe(0)
    expect(await row.getByRole('button', { name: `Delete ${media.name}` }).count()).toBe(0)
    await screenshot(page, artifacts, 'member-01-library')
  })

  it('plays a clip on the review page but cannot cut, time or tag it', async () => {
    await page.goto(`${spaUrl}/orgs/${orgId}/media/${media.id}?segment=${segmentId}&t=1`)
    await page.getByTestId('player-video').waitFor({ state: 'visible' })
    await expect
      .poll(() => page.getByRole('heading', { name: /^Selected clip/ }).innerText())
      .toBe('Selected clip 0:01–0:07')
    // Members narrate and self-tag (PRODUCT.md capabilities) …
    expect(await page.getByLabel('Type a narration').count()).toBe(1)
    expect(await page.getByRole('button', { name: "That's me" }).count()).toBe(1)
    // … but the staff tools are not there at all.
    expect(await page.getByRole('button', { name: /^New clip at/ }).count()).toBe(0)
    expect(await page.getByLabel('Start (seconds)').count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Save timing' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Delete clip' }).count()).toBe(0)
    expect(await page.getByRole('combobox', { name: 'Add tag' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Suggest from narrations' }).count()).toBe(0)
    expect(await page.getByLabel('Coding mode (keys 1–9)').count()).toBe(0)
    await screenshot(page, artifacts, 'member-02-review')
  })

  it.each(['members', 'assignments', 'groups', 'usage'])(
    'a direct URL to the staff screen "%s" shows the not-allowed page',
    async (screen) => {
      await page.goto(`${spaUrl}/orgs/${orgId}/${screen}`)
      await page.waitForURL(/\/forbidden\?from=/)
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).innerText())
        .toBe('This screen is for coaching staff')
      expect(new URL(page.url()).searchParams.get('from')).toBe(`/orgs/${orgId}/${screen}`)
      expect(await page.getByRole('alert').innerText()).toMatch(/ask a coach or the club owner/)
      for (const tab of STAFF_TABS) {
        expect(await page.getByRole('link', { name: tab, exact: true }).count()).toBe(0)
      }
      if (screen === 'members') await screenshot(page, artifacts, 'member-03-forbidden')
    },
  )

  it('the admin console by URL shows the not-allowed page too', async () => {
    await page.goto(`${spaUrl}/admin`)
    await page.waitForURL(/\/forbidden\?from=/)
    expect(new URL(page.url()).searchParams.get('from')).toBe('/admin')
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).innerText())
      .toBe('This console is for platform admins')
    expect(await page.getByRole('heading', { name: 'Admin console' }).count()).toBe(0)
  })

  it('the API refuses the same staff actions with a 403 envelope', async () => {
    const attempts: [string, string, unknown?][] = [
      ['GET', `orgs/${orgId}/join-code`],
      ['POST', `orgs/${orgId}/join-code`],
      [
        'POST',
        'media/uploads',
        { orgId, fileName: 'sneaky.mp4', sizeBytes: 1000, contentType: 'video/mp4' },
      ],
      ['PATCH', `media/${media.id}`, { name: 'renamed by a player' }],
      ['DELETE', `media/${media.id}`],
      ['PATCH', `segments/${segmentId}`, { startSeconds: 0 }],
      ['DELETE', `segments/${segmentId}`],
      ['POST', 'tags', { segmentId, tagType: 'context', tagKey: 'scrum' }],
      [
        'POST',
        'assignments',
        { orgId, title: 'x', targets: [{ type: 'team' }], segmentIds: [segmentId] },
      ],
      ['GET', 'admin/dashboard'],
    ]
    // Not listed: POST segments. Members may cut their own `member`-source clips (SEG-1 sources,
    // SEG-2 narrations by players); the RLS policy allows exactly that.
    const answers = []
    for (const [method, path, body] of attempts) {
      const res = await callFn(apiUrl, member.token, method, path, body)
      const code = (res.body as { error?: { code?: string } } | null)?.error?.code
      answers.push(`${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} → ${res.status} ${code}`)
    }
    expect(
      answers.every((a) => / → 403 [A-Z_]+$/.test(a)),
      answers.join('\n'),
    ).toBe(true)

    // Nothing changed behind the refusals: the coach still sees the video and clip as they were.
    const asCoach = await callFn(apiUrl, coach.token, 'GET', `segments?mediaAssetId=${media.id}`)
    expect(asCoach.body).toMatchObject({
      items: [{ id: segmentId, startSeconds: 1, endSeconds: 7 }],
    })
    const asset = await callFn(apiUrl, coach.token, 'GET', `media/${media.id}`)
    expect(asset.body).toMatchObject({ asset: { name: media.name, status: 'complete' } })
  })
})
