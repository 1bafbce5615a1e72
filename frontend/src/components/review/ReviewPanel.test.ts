import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import ReviewPanel from './ReviewPanel.vue'
import { ApiError } from '../../services/api'
import { apiMock } from '../../testing/api'
import type { Segment } from '../../services/segments'

// SEG-1/3/4 TAG-2 through the panel's parts: they share one workspace, so what one part does is
// announced in the panel's one status line and every part sees the new clips.
vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)
enableAutoUnmount(afterEach)

const ASSET = '00000000-0000-4000-8000-0000000000aa'
const clip = (id: string, start: number, over: Partial<Segment> = {}): Segment => ({
  id,
  mediaAssetId: ASSET,
  startSeconds: start,
  endSeconds: start + 10,
  source: 'coach',
  title: null,
  narrationCount: 0,
  tags: [],
  ...over,
})

/** The panel's routes: the clips it has, the taxonomy, and what a test adds. */
function serve(clips: Segment[]) {
  apiMock.mockImplementation(async (method: string, path: string, body?: unknown) => {
    if (method === 'GET' && path.startsWith('segments?')) return { items: clips }
    if (method === 'GET' && path.startsWith('narrations?')) return { items: [] }
    if (method === 'GET' && path === 'tags/taxonomy') {
      return {
        version: 1,
        tags: [
          { type: 'action', key: 'lineout', label: 'Lineout' },
          { type: 'action', key: 'scrum', label: 'Scrum' },
        ],
      }
    }
    if (method === 'GET' && path.endsWith('/members')) return { members: [] }
    if (method === 'GET' && path.startsWith('tags/suggestions')) return { items: [] }
    if (method === 'POST' && path === 'segments') {
      const made = clip('new', (body as { startSeconds: number }).startSeconds)
      clips.push(made)
      return { segment: made, warning: null }
    }
    if (method === 'POST' && path === 'tags') return { tag: {} }
    throw new Error(`unexpected ${method} ${path}`)
  })
}

async function mountPanel(currentTime = 30) {
  const w = mount(ReviewPanel, {
    props: { orgId: 'o1', mediaAssetId: ASSET, duration: 120, currentTime, canEdit: true },
    global: { stubs: { InsightCard: true, ClipMp4Button: true } },
    attachTo: document.body,
  })
  await flushPromises()
  return w
}

const status = (w: Awaited<ReturnType<typeof mountPanel>>) => w.find('[role="status"]').text()

beforeEach(() => {
  apiMock.mockReset()
})

describe('ReviewPanel', () => {
  it('drops a tagged clip around the playhead on a number key in coding mode', async () => {
    serve([])
    const w = await mountPanel(30)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '1' }))
    await flushPromises()
    expect(apiMock).not.toHaveBeenCalledWith('POST', 'segments', expect.anything())

    const toggle = w.findAll('input[type="checkbox"]').find((i) => {
      return i.element.parentElement?.textContent?.includes('Coding mode')
    })!
    await toggle.setValue(true)
    expect(w.emitted('coding')).toEqual([[true]])
    expect(w.text()).toContain('Press a number to drop a tagged clip around the playhead.')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '1' }))
    await flushPromises()

    expect(apiMock).toHaveBeenCalledWith('POST', 'segments', {
      mediaAssetId: ASSET,
      startSeconds: 25,
      endSeconds: 35,
    })
    expect(apiMock).toHaveBeenCalledWith('POST', 'tags', {
      segmentId: 'new',
      tagType: 'action',
      tagKey: 'lineout',
    })
    expect(status(w)).toBe('Lineout clip at 0:30.')
    expect(w.findAll('[data-testid="segment-row"]')).toHaveLength(1)
  })

  it('cuts a clip at the playhead, selects it and says so once its timing can be edited', async () => {
    serve([clip('s1', 2)])
    const w = await mountPanel(40)
    await w
      .findAll('button')
      .find((b) => b.text().startsWith('New clip at'))!
      .trigger('click')
    await flushPromises()
    expect(status(w)).toBe('Clip created at the playhead.')
    expect(w.get('#selected-heading').text()).toBe('Selected clip 0:40–0:50')
    expect(w.emitted('seek')).toEqual([[40]])
  })

  it('says in its one error line what a part could not do', async () => {
    serve([clip('s1', 2)])
    const w = await mountPanel()
    await w.get('[data-testid="segment-row"] button').trigger('click')
    apiMock.mockRejectedValueOnce(new ApiError(403, 'FORBIDDEN', 'Staff only.'))
    await w
      .findAll('button')
      .find((b) => b.text() === 'Delete clip')!
      .trigger('click')
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toBe('The clip was not deleted. Staff only.')
  })
})
