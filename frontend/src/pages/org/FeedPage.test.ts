import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import FeedPage from './FeedPage.vue'
import { ApiError } from '../../services/api'
import { watchQueueFor } from '../../services/offline'
import { useSessionStore } from '../../stores/session'
import type { MeResponse } from '../../lib/types'
import { apiMock as api } from '../../testing/api'

vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)
vi.mock('../../services/media', () => ({ getPlayback: () => Promise.resolve({ ready: false }) }))

const ORG = '00000000-0000-4000-8000-000000000001'
const USER = '00000000-0000-4000-8000-0000000000u1'
const CLIP = '00000000-0000-4000-8000-0000000000c1'
const [A1, A2] = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2']

const me: MeResponse = {
  user: { id: USER, email: 'p@example.test' },
  profile: { id: USER, username: 'p', name: 'P', platformRole: 'user', primaryOrgId: ORG },
  memberships: [{ role: 'member', org: { id: ORG, slug: 'club', name: 'Club', type: 'team' } }],
  primaryOrgId: ORG,
  landing: 'org',
}

const inboxItem = (assignmentId: string, title: string) => ({
  assignmentId,
  title,
  description: null,
  dueAt: null,
  status: 'upcoming',
  via: ['you'],
  completedSegments: 0,
  totalSegments: 1,
})

/** The feed's routes; both assignments hold the same clip. `watch` answers `POST feed/watch`. */
function serve(watch: () => Promise<unknown>) {
  api.mockImplementation((method: string, path: string) => {
    if (path.startsWith('feed/inbox')) {
      return Promise.resolve({ items: [inboxItem(A1, 'Lineouts'), inboxItem(A2, 'Defence')] })
    }
    if (path.startsWith('feed/moments')) return Promise.resolve({ items: [] })
    if (path === `assignments/${A1}` || path === `assignments/${A2}`) {
      return Promise.resolve({
        segments: [
          { id: CLIP, media_asset_id: 'm1', start_seconds: 2, end_seconds: 8, title: null },
        ],
      })
    }
    if (method === 'POST' && path === 'feed/watch') return watch()
    throw new Error(`unexpected call ${method} ${path}`)
  })
}

/** Stands in for the video: pressing it reports the clip as 60 % watched. */
const Viewer = {
  props: ['segmentId'],
  emits: ['progress'],
  template: `<button type="button" data-testid="watch" @click="$emit('progress', 0.6)">play</button>`,
}

async function mountFeed() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().me = me
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/orgs/:orgId/feed', name: 'feed', component: FeedPage }],
  })
  await router.push(`/orgs/${ORG}/feed`)
  const w = mount(FeedPage, {
    global: {
      plugins: [pinia, router],
      stubs: { SegmentViewer: Viewer, FeedInsight: true },
    },
  })
  await flushPromises()
  return w
}

async function openAssignment(w: Awaited<ReturnType<typeof mountFeed>>, title: string) {
  const button = w.findAll('button').find((b) => b.text() === `Watch ${title}`)!
  await button.trigger('click')
  await flushPromises()
}

const viewerText = (w: Awaited<ReturnType<typeof mountFeed>>) =>
  w.get('[aria-label="Clip viewer"]').text()
const PENDING = 'saved on this phone, not sent yet'

beforeEach(() => {
  localStorage.clear()
  api.mockReset()
})

describe('FeedPage watch queue (B-6 / FEED-2)', () => {
  it('keeps a live report the server could not take, and marks it under its assignment only', async () => {
    serve(() => Promise.reject(new ApiError(503, 'UNAVAILABLE', 'Try later.')))
    const w = await mountFeed()
    await openAssignment(w, 'Lineouts')
    await w.get('[data-testid="watch"]').trigger('click')
    await flushPromises()

    expect(w.get('[data-testid="watch-queue-note"]').text()).toBe(
      "Couldn't reach the server — your progress is saved on this phone and will be sent again.",
    )
    expect(w.find('[aria-label="Clip viewer"] .alert.error').exists()).toBe(false)
    expect(watchQueueFor(USER)!.list()).toEqual([
      expect.objectContaining({ assignmentId: A1, segmentId: CLIP, fraction: 0.6 }),
    ])
    expect(viewerText(w)).toContain(PENDING)

    // The same clip in another assignment was not watched for that one.
    await openAssignment(w, 'Defence')
    expect(viewerText(w)).not.toContain(PENDING)
  })

  it('shows the waiting mark again after a reload, read from the queue', async () => {
    watchQueueFor(USER)!.add({ assignmentId: A2, segmentId: CLIP, fraction: 0.7 })
    // The page sends the queue on load; the server is still down, so it stays.
    serve(() => Promise.reject(new ApiError(502, 'BAD_GATEWAY', 'Down.')))
    const w = await mountFeed()
    expect(w.get('[data-testid="watch-queue-note"]').text()).toMatch(/could not be sent yet/)

    await openAssignment(w, 'Lineouts')
    expect(viewerText(w)).not.toContain(PENDING)
    await openAssignment(w, 'Defence')
    expect(viewerText(w)).toContain(PENDING)
  })

  it('drops a report the server refused for good and says why', async () => {
    serve(() => Promise.reject(new ApiError(404, 'NOT_FOUND', 'The assignment was removed.')))
    const w = await mountFeed()
    await openAssignment(w, 'Lineouts')
    await w.get('[data-testid="watch"]').trigger('click')
    await flushPromises()

    expect(watchQueueFor(USER)!.size).toBe(0)
    expect(w.get('[aria-label="Clip viewer"] .alert.error').text()).toBe(
      'Your progress could not be saved. The assignment was removed.',
    )
    expect(viewerText(w)).not.toContain(PENDING)
  })

  it('announces the queue note in a live region that was there before the note', async () => {
    serve(() => Promise.reject(new ApiError(500, 'INTERNAL', 'Broke.')))
    const w = await mountFeed()
    const region = w.get('.live[aria-live="polite"]')
    expect(region.text()).toBe('')
    await openAssignment(w, 'Lineouts')
    await w.get('[data-testid="watch"]').trigger('click')
    await flushPromises()
    expect(region.find('[data-testid="watch-queue-note"]').exists()).toBe(true)
  })
})
