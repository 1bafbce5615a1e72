import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import AskTheMatch from './AskTheMatch.vue'
import { ApiError } from '../../services/api'
import type { AskResponse } from '../../lib/intelligence'
import { apiMock as api } from '../../testing/api'

vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)

const ORG = '00000000-0000-4000-8000-000000000001'
const ASSET = '00000000-0000-4000-8000-0000000000aa'

const answer: AskResponse = {
  answer: 'From 2 note(s): [1] Crooked lineout throw again. [2] Lineout lost on our 22.',
  citedEvidenceIds: ['n-2', 'n-1'],
  confidence: 'low',
  evidence: [
    {
      kind: 'narration',
      id: 'n-1',
      narrationId: 'n-1',
      segmentId: 'seg-1',
      startSeconds: 75,
      text: 'Lineout lost on our 22.',
      score: 0.6,
    },
    {
      kind: 'narration',
      id: 'n-2',
      narrationId: 'n-2',
      segmentId: 'seg-2',
      startSeconds: 2,
      text: 'Crooked lineout throw again.',
      score: 0.9,
    },
    {
      kind: 'segment_insight',
      id: 'seg-3',
      narrationId: null,
      segmentId: 'seg-3',
      startSeconds: 130,
      text: 'Ruck speed fine.',
      score: 0.2,
    },
  ],
  recommendedSegmentIds: ['seg-2', 'seg-1'],
  recommendedClips: [
    { segmentId: 'seg-2', startSeconds: 2, endSeconds: 8 },
    { segmentId: 'seg-1', startSeconds: 75, endSeconds: 90 },
  ],
}

async function mountAsk() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/orgs/:orgId/media/:assetId', name: 'player', component: { template: '<p/>' } },
    ],
  })
  await router.push(`/orgs/${ORG}/media/${ASSET}`)
  return mount(AskTheMatch, {
    props: { orgId: ORG, assetId: ASSET },
    global: { plugins: [router] },
  })
}

async function askWith(w: Awaited<ReturnType<typeof mountAsk>>, question: string) {
  await w.get('input').setValue(question)
  await w.get('form').trigger('submit')
  await flushPromises()
}

describe('AskTheMatch (AI-4)', () => {
  beforeEach(() => {
    api.mockReset()
  })

  it('answers with the cited evidence first, numbered, and the rest folded away', async () => {
    api.mockResolvedValue(answer)
    const w = await mountAsk()
    await askWith(w, '  what went wrong at the lineout? ')
    expect(api).toHaveBeenCalledWith('POST', `insights/matches/${ASSET}/ask`, {
      question: 'what went wrong at the lineout?',
    })
    expect(w.get('[data-testid="answer-text"]').text()).toBe(answer.answer)
    const cited = w.findAll('[data-testid="cited-evidence"] [data-testid="evidence"]')
    expect(cited.map((c) => c.find('p').text())).toEqual([
      'Crooked lineout throw again.',
      'Lineout lost on our 22.',
    ])
    expect(cited.every((c) => c.classes('cited'))).toBe(true)
    expect(cited[0]!.text()).toContain('[1]')
    const other = w.get('[data-testid="other-evidence"]')
    expect(other.element.tagName).toBe('DETAILS')
    expect(other.get('summary').text()).toBe('Other evidence (1)')
    expect(other.get('[data-testid="evidence"]').classes('cited')).toBe(false)
    expect(other.text()).toContain('Clip insight')
  })

  it('links each citation and recommended clip to the player at its segment and time', async () => {
    api.mockResolvedValue(answer)
    const w = await mountAsk()
    await askWith(w, 'what went wrong at the lineout?')
    const links = w.findAll('[data-testid="cited-evidence"] [data-testid="evidence-link"]')
    expect(links.map((l) => l.text())).toEqual([
      '0:02 — open this moment',
      '1:15 — open this moment',
    ])
    expect(links[1]!.attributes('href')).toBe(`/orgs/${ORG}/media/${ASSET}?t=75&segment=seg-1`)
    const clips = w.findAll('[data-testid="recommended-clip"]')
    expect(clips.map((c) => c.find('strong').text())).toEqual(['Clip 0:02–0:08', 'Clip 1:15–1:30'])
    expect(clips[0]!.text()).toContain('Crooked lineout throw again.')
    expect(clips[0]!.attributes('href')).toBe(`/orgs/${ORG}/media/${ASSET}?t=2&segment=seg-2`)
  })

  it('explains the confidence in plain words', async () => {
    api.mockResolvedValue(answer)
    const w = await mountAsk()
    await askWith(w, 'lineout?')
    const conf = w.get('[data-testid="confidence"]').text()
    expect(conf).toMatch(/^Low confidence/)
    expect(conf).toContain('Only 3 notes back this answer (5 or more give medium)')
  })

  it('shows NO_EVIDENCE as an ordinary empty answer, not an error', async () => {
    api.mockImplementationOnce(() =>
      Promise.reject(
        new ApiError(404, 'NO_EVIDENCE', 'Nothing in this match’s narrations answers that yet.'),
      ),
    )
    const w = await mountAsk()
    await askWith(w, 'how was the weather?')
    expect(w.get('[data-testid="no-evidence"]').text()).toContain(
      'Nothing in this match’s narrations answers that yet.',
    )
    expect(w.find('.alert.error').exists()).toBe(false)
    expect(w.find('[data-testid="answer"]').exists()).toBe(false)
  })

  it('checks the length before asking and says what to change', async () => {
    const w = await mountAsk()
    await askWith(w, ' ab ')
    expect(api).not.toHaveBeenCalled()
    expect(w.get('.field-error').text()).toMatch(/at least 3 characters/)
    expect(w.get('input').attributes('aria-invalid')).toBe('true')

    await askWith(w, 'x'.repeat(501))
    expect(api).not.toHaveBeenCalled()
    expect(w.get('.field-error').text()).toMatch(/500 characters or fewer \(it has 501\)/)

    // The message follows the typing once shown, and goes when the question is fine.
    await w.get('input').setValue('why?')
    expect(w.find('.field-error').exists()).toBe(false)
  })

  it('links the question to its label, its hint and, after a bad try, its error', async () => {
    const w = await mountAsk()
    const input = w.get('input')
    const label = w.get('label')
    expect(label.text()).toBe('Your question')
    expect(label.attributes('for')).toBe(input.attributes('id'))
    const described = () => (input.attributes('aria-describedby') ?? '').split(' ')
    expect(described()).toHaveLength(1)
    expect(w.get(`[id="${described()[0]}"]`).text()).toMatch(/^Answers come only from .+ 0 \/ 500$/)

    await askWith(w, 'ab')
    expect(described()).toHaveLength(2)
    expect(w.get(`[id="${described()[1]}"]`).text()).toMatch(/at least 3 characters/)
    expect(w.get(`[id="${described()[0]}"]`).text()).toMatch(/ 2 \/ 500$/)
  })

  it('asks once and stays disabled while the answer is on its way', async () => {
    let resolve!: (v: AskResponse) => void
    api.mockReturnValue(new Promise<AskResponse>((r) => (resolve = r)))
    const w = await mountAsk()
    const input = w.get('input')
    await input.setValue('what went wrong at the lineout?')
    // Enter submits natively: the field sits in the form with its submit button (the browser
    // test presses Enter for real; happy-dom does not submit on a synthetic key press).
    expect((input.element as HTMLInputElement).form).toBe(w.get('form').element)
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('button[type="submit"]').attributes('disabled')).toBeDefined()
    expect(w.get('button[type="submit"]').text()).toBe('Asking…')
    await w.get('form').trigger('submit')
    expect(api).toHaveBeenCalledTimes(1)
    resolve(answer)
    await flushPromises()
    expect(w.get('button[type="submit"]').attributes('disabled')).toBeUndefined()
    expect(w.find('[data-testid="answer"]').exists()).toBe(true)
  })

  it("shows the server's message for other failures", async () => {
    api.mockImplementationOnce(() =>
      Promise.reject(new ApiError(429, 'RATE_LIMITED', 'Too many questions; wait a minute.')),
    )
    const w = await mountAsk()
    await askWith(w, 'lineout?')
    expect(w.get('.alert.error').text()).toBe(
      'No answer this time. Too many questions; wait a minute.',
    )
  })
})
