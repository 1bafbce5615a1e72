import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import InsightCard from './InsightCard.vue'
import { ApiError } from '../../services/api'
import { apiMock as api } from '../../testing/api'
import { AUDIO_URL, SEG, insight, serveInsight } from '../../testing/insights'

vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)

const serve = (answers: Parameters<typeof serveInsight>[1]) => serveInsight(api, answers)

/** Stands in for the browser's IntersectionObserver; `reveal` scrolls the card into view. */
class FakeObserver {
  static last: FakeObserver | null = null
  observed = false
  constructor(private readonly callback: (entries: Array<{ isIntersecting: boolean }>) => void) {
    FakeObserver.last = this
  }
  observe() {
    this.observed = true
  }
  disconnect() {
    this.observed = false
  }
  static async reveal() {
    if (FakeObserver.last?.observed) FakeObserver.last.callback([{ isIntersecting: true }])
    await flushPromises()
  }
}

async function mountCard(narrationCount = 1, reveal = true) {
  const w = mount(InsightCard, {
    props: { segmentId: SEG, narrationCount, revision: { count: 0, reason: 'first' as const } },
  })
  await flushPromises()
  if (reveal) await FakeObserver.reveal()
  return w
}

let play: ReturnType<typeof vi.fn<() => Promise<void>>>
beforeEach(() => {
  api.mockReset()
  play = vi.fn<() => Promise<void>>().mockResolvedValue(undefined)
  vi.spyOn(window.HTMLMediaElement.prototype, 'play').mockImplementation(play)
  vi.stubGlobal('IntersectionObserver', FakeObserver)
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('InsightCard (AI-1 / AI-3)', () => {
  it('shows headline, summary, coach script, model and a loading state first', async () => {
    let resolve: (v: unknown) => void = () => {}
    serve({ get: () => new Promise((r) => (resolve = r)) })
    const w = await mountCard(1)
    expect(w.find('[data-testid="insight-loading"]').text()).toBe('Writing the insight…')
    resolve({ insight: insight(), generated: true })
    await flushPromises()

    expect(w.find('[data-testid="insight-loading"]').exists()).toBe(false)
    expect(w.find('[data-testid="insight-headline"]').text()).toBe('maul · drives · corner')
    expect(w.find('[data-testid="insight-summary"]').text()).toContain('the maul drives')
    expect(w.find('[data-testid="insight-script"]').text()).toBe(
      'Watch this clip and focus on maul and drives.',
    )
    expect(w.find('[data-testid="insight-meta"]').text()).toMatch(
      /^offline-template · .+ · from 1 narration$/,
    )
    // The first generation is not news: no "regenerated" note.
    expect(w.find('[data-testid="insight-note"]').exists()).toBe(false)
    expect(w.find('[data-testid="coach-audio-button"]').attributes('disabled')).toBeUndefined()
  })

  it("shows the server's error message and can try again", async () => {
    serve({
      get: () => Promise.reject(new ApiError(404, 'NOT_FOUND', 'Segment not found.')),
    })
    const w = await mountCard()
    const alert = w.find('[role="alert"]')
    expect(alert.text()).toContain('The AI insight could not be loaded. Segment not found.')
    expect(w.find('[data-testid="insight-headline"]').exists()).toBe(false)

    serve({ get: () => Promise.resolve({ insight: insight(), generated: false }) })
    await alert.find('button').trigger('click')
    await flushPromises()
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(w.find('[data-testid="insight-headline"]').text()).toBe('maul · drives · corner')
  })

  it('plays the URL the audio route returns in an audio element', async () => {
    serve({
      get: () => Promise.resolve({ insight: insight(), generated: false }),
      audio: () => Promise.resolve({ audioUrl: AUDIO_URL, expiresInSeconds: 900 }),
    })
    const w = await mountCard()
    expect(w.find('audio').exists()).toBe(false)
    await w.find('[data-testid="coach-audio-button"]').trigger('click')
    await flushPromises()

    expect(api).toHaveBeenCalledWith(
      'POST',
      `insights/segments/${SEG}/audio`,
      undefined,
      expect.any(AbortSignal),
    )
    const audio = w.find('audio')
    expect(audio.attributes('src')).toBe(AUDIO_URL)
    expect(audio.attributes('controls')).toBeDefined()
    expect(play).toHaveBeenCalledTimes(1)
  })

  it("shows the audio route's error message", async () => {
    serve({
      get: () => Promise.resolve({ insight: insight(), generated: false }),
      audio: () =>
        Promise.reject(new ApiError(502, 'PROVIDER_FAILED', 'The voice service failed.')),
    })
    const w = await mountCard()
    await w.find('[data-testid="coach-audio-button"]').trigger('click')
    await flushPromises()
    expect(w.find('[role="alert"]').text()).toContain('The voice service failed.')
    expect(w.find('audio').exists()).toBe(false)
  })

  it('disables the audio with its reason, and asks nothing, while the clip has no narration', async () => {
    serve({})
    const w = await mountCard(0)
    expect(api).not.toHaveBeenCalled()
    const button = w.find('[data-testid="coach-audio-button"]')
    expect(button.attributes('disabled')).toBeDefined()
    const reason = w.find('[data-testid="coach-audio-reason"]')
    expect(reason.text()).toMatch(/No narration yet/)
    expect(button.attributes('aria-describedby')).toBe(reason.attributes('id'))
    expect(w.find('[data-testid="insight-empty"]').text()).toMatch(/Narrate this clip/)
  })

  it('reads nothing until the card scrolls into view, then reads once', async () => {
    serve({ get: () => Promise.resolve({ insight: insight(), generated: true }) })
    const w = await mountCard(1, false)
    await w.setProps({ narrationCount: 2, revision: { count: 1, reason: 'narration-added' } })
    await flushPromises()
    expect(api).not.toHaveBeenCalled()
    expect(w.find('[data-testid="insight-headline"]').exists()).toBe(false)

    await FakeObserver.reveal()
    expect(api).toHaveBeenCalledTimes(1)
    expect(w.find('[data-testid="insight-headline"]').text()).toBe('maul · drives · corner')
    expect(w.find('[data-testid="insight-note"]').exists()).toBe(false)
  })

  it('re-reads after a narration change and says when the server regenerated it', async () => {
    const answers = [
      { insight: insight(), generated: true },
      {
        insight: insight({
          headline: 'maul · lineout · drives',
          narrationCount: 2,
          generatedAt: '2026-03-01T10:05:00.000Z',
        }),
        generated: true,
      },
    ]
    serve({ get: () => Promise.resolve(answers.shift()) })
    const w = await mountCard(1)
    await w.setProps({ narrationCount: 2, revision: { count: 1, reason: 'narration-added' } })
    await flushPromises()

    expect(api).toHaveBeenCalledTimes(2)
    expect(w.find('[data-testid="insight-headline"]').text()).toBe('maul · lineout · drives')
    expect(w.find('[data-testid="insight-note"]').text()).toBe(
      'Insight regenerated from 2 narrations (was 1).',
    )
  })

  it('tries a failed refresh again as a refresh, so the coach still hears what changed', async () => {
    const answers: Array<() => Promise<unknown>> = [
      () => Promise.resolve({ insight: insight(), generated: true }),
      () => Promise.reject(new ApiError(503, 'UNAVAILABLE', 'The model is busy.')),
      () =>
        Promise.resolve({
          insight: insight({ narrationCount: 2, generatedAt: '2026-03-01T10:05:00Z' }),
          generated: true,
        }),
    ]
    serve({ get: () => answers.shift()!() })
    const w = await mountCard(1)
    await w.setProps({ narrationCount: 2, revision: { count: 1, reason: 'narration-added' } })
    await flushPromises()
    expect(w.find('[role="alert"]').text()).toContain('The model is busy.')

    await w.find('[role="alert"] button').trigger('click')
    await flushPromises()
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(w.find('[data-testid="insight-note"]').text()).toBe(
      'Insight regenerated from 2 narrations (was 1).',
    )
  })

  it('announces notes and loading through live regions that are there before the text', async () => {
    let resolve: (v: unknown) => void = () => {}
    serve({ get: () => new Promise((r) => (resolve = r)) })
    const w = await mountCard(1)
    const loading = w.get('[data-testid="insight-loading"]')
    expect(loading.element.parentElement?.getAttribute('aria-live')).toBe('polite')
    resolve({ insight: insight(), generated: true })
    await flushPromises()
    const regions = w.findAll('[aria-live="polite"]')
    // The loading text went, the regions stayed: one for loading, one for the refresh note.
    expect(regions).toHaveLength(2)
    expect(regions.map((r) => r.text())).toEqual(['', ''])
  })

  it('waits for transcription when the server answers no insight for a narrated clip', async () => {
    serve({ get: () => Promise.resolve({ insight: null, generated: false }) })
    const w = await mountCard(1)
    expect(w.find('[data-testid="insight-empty"]').text()).toMatch(/transcribed/)
    expect(w.find('[data-testid="insight-headline"]').exists()).toBe(false)
    expect(w.find('[data-testid="coach-audio-reason"]').text()).toMatch(/transcribed/)
  })

  it('drops an audio answer that arrives after the insight was regenerated', async () => {
    const answers = [
      { insight: insight(), generated: true },
      {
        insight: insight({ narrationCount: 2, generatedAt: '2026-03-01T10:05:00Z' }),
        generated: true,
      },
    ]
    let answerAudio: (v: unknown) => void = () => {}
    serve({
      get: () => Promise.resolve(answers.shift()),
      audio: () => new Promise((r) => (answerAudio = r)),
    })
    const w = await mountCard(1)
    await w.find('[data-testid="coach-audio-button"]').trigger('click')
    await flushPromises()
    const signal = api.mock.calls.find((c) => c[0] === 'POST')![3] as AbortSignal
    await w.setProps({ narrationCount: 2, revision: { count: 1, reason: 'narration-added' } })
    await flushPromises()
    expect(signal.aborted).toBe(true)

    // The server dropped the file this URL names when it regenerated the insight.
    answerAudio({ audioUrl: AUDIO_URL, expiresInSeconds: 900 })
    await flushPromises()
    expect(w.find('audio').exists()).toBe(false)
    expect(play).not.toHaveBeenCalled()
    const button = w.find('[data-testid="coach-audio-button"]')
    expect(button.attributes('disabled')).toBeUndefined()
    expect(button.text()).toContain('Play coach audio')
  })

  it('stops asking for the audio when the card goes away', async () => {
    serve({
      get: () => Promise.resolve({ insight: insight(), generated: false }),
      audio: () => new Promise(() => {}),
    })
    const w = await mountCard(1)
    await w.find('[data-testid="coach-audio-button"]').trigger('click')
    const signal = api.mock.calls.find((c) => c[0] === 'POST')![3] as AbortSignal
    expect(signal.aborted).toBe(false)
    w.unmount()
    expect(signal.aborted).toBe(true)
  })

  it('drops the audio of an insight that was regenerated', async () => {
    const answers = [
      { insight: insight(), generated: true },
      {
        insight: insight({ narrationCount: 2, generatedAt: '2026-03-01T10:05:00Z' }),
        generated: true,
      },
    ]
    serve({
      get: () => Promise.resolve(answers.shift()),
      audio: () => Promise.resolve({ audioUrl: AUDIO_URL, expiresInSeconds: 900 }),
    })
    const w = await mountCard(1)
    await w.find('[data-testid="coach-audio-button"]').trigger('click')
    await flushPromises()
    expect(w.find('audio').exists()).toBe(true)
    await w.setProps({ narrationCount: 2, revision: { count: 1, reason: 'narration-added' } })
    await flushPromises()
    expect(w.find('audio').exists()).toBe(false)
  })
})
