import { statSync } from 'node:fs'
import type { CDPSession, Page, Request } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from './browser'
import { type ApiUser, createOrgApi, logIn, provided, signUpApi } from './flows'
import { generateMultiPartVideo } from './media'
import { useBrowserSession } from './session'

const MiB = 1024 * 1024
const PART_SIZE = 10 * MiB

// B-2 / PROD-1: a coach on a slow club link reloads the page in the middle of a part and picks the
// file again. Storage (held to S3: a part cut off mid-body does not exist) says which parts
// arrived; the upload resumes, sends only the missing parts, and the match becomes playable.
describe('an upload survives a reload in the middle of a part', () => {
  const { spaUrl, apiUrl, artifacts } = provided()
  const session = useBrowserSession('resume')
  let page: Page
  let cdp: CDPSession
  let coach: ApiUser
  let orgId: string

  const partOf = (request: Request): number | null => {
    if (request.method() !== 'PUT') return null
    const url = new URL(request.url())
    const n = url.searchParams.get('partNumber')
    return n && url.searchParams.has('uploadId') ? Number(n) : null
  }

  // A slow uplink (2 MiB/s for the whole page), as Chrome's DevTools throttling applies it.
  const throttle = () =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: -1,
      uploadThroughput: 2 * MiB,
    })

  beforeAll(async () => {
    coach = await signUpApi(apiUrl, 'coach')
    orgId = (await createOrgApi(apiUrl, coach, `Resume RFC ${coach.username}`)).id
    page = await session.open('coach')
    // The coach confirms "Leave site?" when reloading during an upload.
    page.on('dialog', (dialog) => void dialog.accept())
    cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    await logIn(page, spaUrl, coach)
  })

  it('resumes after the reload, sends only the missing parts, and the match completes', async () => {
    const file = generateMultiPartVideo(session.workDir)
    const total = Math.ceil(statSync(file).size / PART_SIZE)
    expect(total).toBe(3)
    await page.goto(`${spaUrl}/orgs/${orgId}/library`)
    await throttle()

    // First visit: all parts start; the small last one finishes first, the others are mid-body.
    const started = new Set<number>()
    const stored = new Set<number>()
    const cutOff = new Set<number>()
    let phase: 'first' | 'second' = 'first'
    const resent: number[] = []
    page.on('request', (r) => {
      const n = partOf(r)
      if (n === null) return
      if (phase === 'first') started.add(n)
      else resent.push(n)
    })
    page.on('response', (r) => {
      const n = partOf(r.request())
      if (n !== null && phase === 'first' && r.status() === 200) stored.add(n)
    })
    page.on('requestfailed', (r) => {
      const n = partOf(r)
      if (n !== null && phase === 'first') cutOff.add(n)
    })

    const firstPartDone = page.waitForResponse((r) => partOf(r.request()) !== null, {
      timeout: 120_000,
    })
    await page.getByTestId('upload-input').setInputFiles(file)
    // Pictured while the parts are in flight: the reload must follow the first finished part at
    // once, before the throttled link can finish another one.
    await screenshot(page, artifacts, 'resume-01-mid-upload')
    expect((await firstPartDone).status()).toBe(200)

    await page.reload()
    await page.getByText('Interrupted uploads').waitFor()
    await expect.poll(() => stored.size + cutOff.size).toBe(started.size)
    // The reload really cut at least one part off mid-transfer.
    expect(cutOff.size).toBeGreaterThanOrEqual(1)
    expect(started).toEqual(new Set([1, 2, 3]))
    await screenshot(page, artifacts, 'resume-02-interrupted')

    // Second visit: the coach picks the same file again.
    phase = 'second'
    await throttle()
    const resumed = page.waitForResponse(
      (r) =>
        r.request().method() === 'GET' && /\/functions\/v1\/media\/uploads\/[^/?]+$/.test(r.url()),
    )
    await page.getByTestId('upload-input').setInputFiles(file)
    const state = await resumed
    // Storage answers which parts exist (ListParts after an interrupted PUT: 200, not 500).
    expect(state.status()).toBe(200)
    const body = (await state.json()) as {
      partCount: number
      uploadedParts: { partNumber: number; size: number }[]
    }
    const onStorage = body.uploadedParts.map((p) => p.partNumber).sort()
    expect(body.partCount).toBe(3)
    // Every part that finished is there; no part that was cut off is.
    for (const n of stored) expect(onStorage).toContain(n)
    for (const n of cutOff) expect(onStorage).not.toContain(n)
    for (const p of body.uploadedParts)
      expect(p.size).toBe(p.partNumber < 3 ? PART_SIZE : statSync(file).size - 2 * PART_SIZE)

    const row = page.getByTestId('media-row').filter({ hasText: 'e2e-long-upload' })
    await expect
      .poll(() => row.getAttribute('data-status'), { timeout: 180_000, interval: 1000 })
      .toBe('complete')
    // Only the missing parts were sent, each once.
    const missing = [1, 2, 3].filter((n) => !onStorage.includes(n))
    expect([...resent].sort()).toEqual(missing)
    expect(missing.length).toBeGreaterThanOrEqual(1)
    await screenshot(page, artifacts, 'resume-03-complete')
  })
})
