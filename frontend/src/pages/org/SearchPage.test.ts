import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import SearchPage from './SearchPage.vue'
import { apiMock } from '../../testing/api'

// NARR-5: each hit names its match (notes in two matches often read alike) and the search can be
// narrowed to one match.
const listMedia = vi.fn()
vi.mock('../../services/media', () => ({
  listMedia: (...args: unknown[]) => listMedia(...args),
}))
vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)

const ORG = '00000000-0000-4000-8000-000000000001'
const HARBOUR = '00000000-0000-4000-8000-0000000000a1'
const VALLEY = '00000000-0000-4000-8000-0000000000a2'

const hit = (mediaAssetId: string, mediaName: string) => ({
  kind: 'narration',
  id: `n-${mediaAssetId}`,
  narrationId: `n-${mediaAssetId}`,
  mediaAssetId,
  mediaName,
  segmentId: 's1',
  startSeconds: 94,
  text: 'Jackal at the breakdown won the turnover',
  snippet: 'Jackal at the breakdown won the <mark>turnover</mark>',
  score: 0.03,
})

async function mountSearch(query = '') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/orgs/:orgId/search', name: 'search', component: SearchPage },
      { path: '/orgs/:orgId/media/:assetId', name: 'player', component: SearchPage },
    ],
  })
  await router.push(`/orgs/${ORG}/search${query}`)
  const wrapper = mount(SearchPage, { global: { plugins: [router] } })
  await flushPromises()
  return { wrapper, router }
}

beforeEach(() => {
  listMedia.mockReset()
  apiMock.mockReset()
  listMedia.mockResolvedValue({
    items: [
      { id: HARBOUR, name: 'Demo RFC v Harbour RFC' },
      { id: VALLEY, name: 'Demo RFC v Valley RFC' },
    ],
    total: 2,
    page: 1,
    pageSize: 100,
  })
})

describe('search page', () => {
  it('names the match of each hit, so two notes that read alike can be told apart', async () => {
    apiMock.mockResolvedValue({
      items: [hit(HARBOUR, 'Demo RFC v Harbour RFC'), hit(VALLEY, 'Demo RFC v Valley RFC')],
    })
    const { wrapper } = await mountSearch('?q=turnover')
    const matches = wrapper.findAll('[data-testid="search-result-match"]').map((m) => m.text())
    expect(matches).toEqual(['Demo RFC v Harbour RFC', 'Demo RFC v Valley RFC'])
    expect(wrapper.findAll('mark').map((m) => m.text())).toEqual(['turnover', 'turnover'])
  })

  it('narrows the search to the chosen match and keeps it in the address', async () => {
    apiMock.mockResolvedValue({ items: [hit(VALLEY, 'Demo RFC v Valley RFC')] })
    const { wrapper, router } = await mountSearch('?q=turnover')
    await wrapper.get('select[aria-label="Video"]').setValue(VALLEY)
    await flushPromises()
    const path = apiMock.mock.calls.at(-1)![1] as string
    expect(path).toContain(`mediaAssetId=${VALLEY}`)
    expect(path).toContain('q=turnover')
    expect(router.currentRoute.value.query).toEqual({ q: 'turnover', match: VALLEY })
  })

  it('shows only the newest search when an older answer arrives late', async () => {
    let answerOld: (v: unknown) => void = () => {}
    apiMock
      .mockImplementationOnce(() => new Promise((resolve) => (answerOld = resolve)))
      .mockResolvedValueOnce({ items: [hit(VALLEY, 'Demo RFC v Valley RFC')] })
    const { wrapper } = await mountSearch('?q=turnover')
    await wrapper.get('select[aria-label="Video"]').setValue(VALLEY)
    await flushPromises()
    answerOld({ items: [hit(HARBOUR, 'Demo RFC v Harbour RFC')] })
    await flushPromises()
    const matches = wrapper.findAll('[data-testid="search-result-match"]').map((m) => m.text())
    expect(matches).toEqual(['Demo RFC v Valley RFC'])
    expect(wrapper.get('button[type="submit"]').text()).toBe('Search')
  })

  it('keeps a filter from the link visible and clearable', async () => {
    listMedia.mockResolvedValue({ items: [], total: 0, page: 1, pageSize: 100 })
    apiMock.mockResolvedValue({ items: [] })
    const { wrapper } = await mountSearch(`?q=turnover&match=${VALLEY}`)
    const select = wrapper.get('select[aria-label="Video"]')
    expect((select.element as HTMLSelectElement).value).toBe(VALLEY)
    expect(apiMock.mock.calls[0]![1]).toContain(`mediaAssetId=${VALLEY}`)
    await select.setValue('')
    await flushPromises()
    expect(apiMock.mock.calls.at(-1)![1]).not.toContain('mediaAssetId')
  })

  it('searches the whole org by default', async () => {
    apiMock.mockResolvedValue({ items: [] })
    await mountSearch('?q=turnover')
    expect(apiMock.mock.calls[0]![1]).not.toContain('mediaAssetId')
  })
})
