import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import MatchIntelligenceCard from './MatchIntelligenceCard.vue'
import { ApiError } from '../../services/api'
import { apiMock as api } from '../../testing/api'

vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)

const ORG = '00000000-0000-4000-8000-000000000001'
const ASSET = '00000000-0000-4000-8000-0000000000aa'

async function mountCard() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/orgs/:orgId/media/:assetId', name: 'player', component: { template: '<p/>' } },
    ],
  })
  await router.push(`/orgs/${ORG}/media/${ASSET}`)
  const w = mount(MatchIntelligenceCard, {
    props: { orgId: ORG, assetId: ASSET },
    global: { plugins: [router] },
  })
  await flushPromises()
  return w
}

describe('MatchIntelligenceCard (AI-2)', () => {
  beforeEach(() => {
    api.mockReset()
  })

  it('shows headline, lines, titled non-empty sections, the level and who built it', async () => {
    api.mockResolvedValue({
      generated: true,
      intelligence: {
        mediaAssetId: ASSET,
        level: 'normal',
        headline: 'Lineout wobbles, breakdown strong',
        lines: ['30 narrations.', 'Throws drifted.', 'Jackals won ball.'],
        sections: { kickBattle: ['box kick contestable'], setPiece: ['crooked throw'] },
        narrationCount: 30,
        model: 'offline-template',
        generatedAt: '2026-03-01T14:05:00.000Z',
      },
    })
    const w = await mountCard()
    expect(api).toHaveBeenCalledWith('GET', `insights/matches/${ASSET}`)
    expect(w.get('[data-testid="intelligence-headline"]').text()).toBe(
      'Lineout wobbles, breakdown strong',
    )
    expect(w.findAll('[aria-label="Summary"] li').map((l) => l.text())).toEqual([
      '30 narrations.',
      'Throws drifted.',
      'Jackals won ball.',
    ])
    const sections = w.findAll('[data-testid="intelligence-section"]')
    expect(sections.map((s) => s.get('h3').text())).toEqual(['Set piece', 'Kick battle'])
    expect(sections[0]!.text()).toContain('crooked throw')
    expect(w.get('[data-testid="intelligence-level"]').text()).toMatch(/^Full — 25 notes or more/)
    expect(w.get('[data-testid="intelligence-provenance"]').text()).toMatch(
      /^Built by offline-template from 30 notes · /,
    )
  })

  it('labels a light summary and keeps its single line', async () => {
    api.mockResolvedValue({
      generated: false,
      intelligence: {
        level: 'light',
        headline: 'Match themes: lineout',
        lines: ['3 narration(s); recurring themes: lineout.'],
        sections: {},
        narrationCount: 3,
        model: 'offline-template',
        generatedAt: '2026-03-01T14:05:00.000Z',
      },
    })
    const w = await mountCard()
    expect(w.get('[data-testid="intelligence-level"]').text()).toBe(
      'Light — fewer than 25 notes, one line only',
    )
    expect(w.findAll('[aria-label="Summary"] li')).toHaveLength(1)
    expect(w.find('[data-testid="intelligence-section"]').exists()).toBe(false)
  })

  it('shows the empty state with a link to narrate on the player page', async () => {
    api.mockResolvedValue({
      intelligence: { level: 'empty', headline: null, lines: [], sections: {} },
    })
    const w = await mountCard()
    const empty = w.get('[data-testid="intelligence-empty"]')
    expect(empty.text()).toContain('No narrations yet — narrate clips to get a summary')
    expect(empty.get('a').attributes('href')).toBe(`/orgs/${ORG}/media/${ASSET}`)
    expect(w.find('[data-testid="intelligence-headline"]').exists()).toBe(false)
    expect(w.find('[data-testid="intelligence-provenance"]').exists()).toBe(false)
  })

  it('says it is reading the notes while the summary is being built', async () => {
    api.mockReturnValue(new Promise(() => {}))
    const w = await mountCard()
    expect(w.get('[role="status"]').text()).toBe('Reading this match’s notes…')
    expect(w.get('section').attributes('aria-busy')).toBe('true')
    expect(w.find('[data-testid="intelligence-level"]').exists()).toBe(false)
  })

  it("shows the server's message when loading fails, and tries again on request", async () => {
    api.mockImplementationOnce(() =>
      Promise.reject(new ApiError(403, 'FORBIDDEN', 'You are not a member of this club.')),
    )
    const w = await mountCard()
    expect(w.get('[role="alert"]').text()).toContain(
      'Could not load the match intelligence. You are not a member of this club.',
    )
    api.mockResolvedValue({
      intelligence: { level: 'empty', headline: null, lines: [], sections: {} },
    })
    await w.get('[role="alert"] button').trigger('click')
    await flushPromises()
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(w.find('[data-testid="intelligence-empty"]').exists()).toBe(true)
  })
})
