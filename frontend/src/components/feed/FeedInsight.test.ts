import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import FeedInsight from './FeedInsight.vue'
import { ApiError } from '../../services/api'
import { apiMock as api } from '../../testing/api'
import { AUDIO_URL, SEG, insight, serveInsight } from '../../testing/insights'

vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)

const serve = (answers: Parameters<typeof serveInsight>[1]) => serveInsight(api, answers)

beforeEach(() => {
  api.mockReset()
  vi.spyOn(window.HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined)
})
afterEach(() => vi.restoreAllMocks())

describe('FeedInsight (AI-1 / AI-3 in the feed)', () => {
  it('shows headline, coach script and "Listen to coach" that plays the audio', async () => {
    serve({
      get: () => Promise.resolve({ insight: insight(), generated: false }),
      audio: () => Promise.resolve({ audioUrl: AUDIO_URL, expiresInSeconds: 900 }),
    })
    const w = mount(FeedInsight, { props: { segmentId: SEG, online: true } })
    await flushPromises()
    expect(w.find('[data-testid="feed-insight-headline"]').text()).toBe('maul · drives · corner')
    expect(w.find('[data-testid="feed-insight-script"]').text()).toContain('focus on maul')
    const button = w.find('[data-testid="coach-audio-button"]')
    expect(button.text()).toContain('Listen to coach')
    await button.trigger('click')
    await flushPromises()
    expect(w.find('audio').attributes('src')).toBe(AUDIO_URL)
  })

  it('asks nothing offline, says so, and loads once back online', async () => {
    serve({ get: () => Promise.resolve({ insight: insight(), generated: false }) })
    const w = mount(FeedInsight, { props: { segmentId: SEG, online: false } })
    await flushPromises()
    expect(api).not.toHaveBeenCalled()
    expect(w.get('[data-testid="feed-insight-status"]').text()).toMatch(/back online/)
    expect(w.find('[role="alert"]').exists()).toBe(false)

    await w.setProps({ online: true })
    await flushPromises()
    expect(w.find('[data-testid="feed-insight-headline"]').text()).toBe('maul · drives · corner')
  })

  it('keeps the notes but disables the audio when the connection drops', async () => {
    serve({ get: () => Promise.resolve({ insight: insight(), generated: false }) })
    const w = mount(FeedInsight, { props: { segmentId: SEG, online: true } })
    await flushPromises()
    await w.setProps({ online: false })
    expect(w.find('[data-testid="feed-insight-headline"]').exists()).toBe(true)
    expect(w.find('[data-testid="coach-audio-button"]').attributes('disabled')).toBeDefined()
    expect(w.find('[data-testid="coach-audio-reason"]').text()).toBe(
      'Coach audio needs a connection.',
    )
  })

  it('says there are no notes when the server answers none, instead of an empty box', async () => {
    serve({ get: () => Promise.resolve({ insight: null, generated: false }) })
    const w = mount(FeedInsight, { props: { segmentId: SEG, online: true } })
    await flushPromises()
    expect(w.get('[data-testid="feed-insight-status"]').text()).toBe(
      'No coach notes on this clip yet.',
    )
    expect(w.text()).toBe('No coach notes on this clip yet.')
    expect(w.find('[data-testid="coach-audio-button"]').exists()).toBe(false)
    expect(w.find('[role="alert"]').exists()).toBe(false)

    // The answer stands offline, and nothing is asked again when the phone reconnects.
    await w.setProps({ online: false })
    expect(w.text()).toBe('No coach notes on this clip yet.')
    await w.setProps({ online: true })
    await flushPromises()
    expect(api).toHaveBeenCalledTimes(1)
  })

  it('says it is loading in a live region that was there before the text', async () => {
    serve({ get: () => new Promise(() => {}) })
    const w = mount(FeedInsight, { props: { segmentId: SEG, online: true } })
    await flushPromises()
    const status = w.get('[data-testid="feed-insight-status"]')
    expect(status.attributes('aria-live')).toBe('polite')
    expect(status.text()).toBe('Loading coach notes…')
  })

  it("shows the server's error when the notes fail online", async () => {
    serve({ get: () => Promise.reject(new ApiError(500, 'INTERNAL', 'The model broke.')) })
    const w = mount(FeedInsight, { props: { segmentId: SEG, online: true } })
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toBe('Coach notes could not be loaded. The model broke.')
    expect(w.get('[data-testid="feed-insight-status"]').text()).toBe('')
  })

  it('shows nothing to listen to for a clip without narration', async () => {
    serve({
      get: () => Promise.resolve({ insight: insight({ narrationCount: 0 }), generated: true }),
    })
    const w = mount(FeedInsight, { props: { segmentId: SEG, online: true } })
    await flushPromises()
    expect(w.text()).toBe('No coach notes on this clip yet.')
    expect(w.find('[data-testid="coach-audio-button"]').exists()).toBe(false)
  })
})
