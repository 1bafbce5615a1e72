import { describe, expect, it, vi } from 'vitest'
import {
  audioBlockedReason,
  audioKey,
  createInsightsClient,
  hasContent,
  provenance,
  refreshNote,
} from './insights'
import { SEG, insight } from '../testing/insights'

describe('insights client (AI-1 / AI-3)', () => {
  it('reads a segment insight with GET and passes the abort signal on', async () => {
    const call = vi.fn().mockResolvedValue({ insight: insight(), generated: true })
    const signal = new AbortController().signal
    const answer = await createInsightsClient(call).segment(SEG, signal)
    expect(call).toHaveBeenCalledWith('GET', `insights/segments/${SEG}`, undefined, signal)
    expect(answer.generated).toBe(true)
  })

  it('asks for coach audio with POST on the audio route, abortable', async () => {
    const call = vi.fn().mockResolvedValue({ audioUrl: 'http://s3/a.mp3', expiresInSeconds: 900 })
    const signal = new AbortController().signal
    const res = await createInsightsClient(call).coachAudio(SEG, signal)
    expect(call).toHaveBeenCalledWith('POST', `insights/segments/${SEG}/audio`, undefined, signal)
    expect(res.audioUrl).toBe('http://s3/a.mp3')
  })

  it('keeps a path-breaking id inside its path segment', async () => {
    const call = vi.fn().mockResolvedValue({})
    const client = createInsightsClient(call)
    await client.segment('a/../b')
    await client.coachAudio('a/../b')
    expect(call.mock.calls.map((c) => c[1])).toEqual([
      'insights/segments/a%2F..%2Fb',
      'insights/segments/a%2F..%2Fb/audio',
    ])
  })
})

describe('match insights client (AI-2 / AI-4)', () => {
  const ASSET = '00000000-0000-4000-8000-0000000000bb'

  it('reads the match intelligence with GET on the match route', async () => {
    const call = vi.fn().mockResolvedValue({ intelligence: { level: 'empty' }, generated: false })
    const answer = await createInsightsClient(call).match(ASSET)
    expect(call).toHaveBeenCalledWith('GET', `insights/matches/${ASSET}`)
    expect(answer.generated).toBe(false)
  })

  it('asks a question with POST and the question as the body', async () => {
    const call = vi.fn().mockResolvedValue({ answer: 'Lineout.', evidence: [] })
    const res = await createInsightsClient(call).ask(ASSET, 'what went wrong at the lineout?')
    expect(call).toHaveBeenCalledWith('POST', `insights/matches/${ASSET}/ask`, {
      question: 'what went wrong at the lineout?',
    })
    expect(res.answer).toBe('Lineout.')
  })

  it('keeps a path-breaking media id inside its path segment', async () => {
    const call = vi.fn().mockResolvedValue({})
    const client = createInsightsClient(call)
    await client.match('x/../../orgs?y=1')
    await client.ask('x/../b#c', 'why?')
    expect(call.mock.calls.map((c) => c[1])).toEqual([
      'insights/matches/x%2F..%2F..%2Forgs%3Fy%3D1',
      'insights/matches/x%2F..%2Fb%23c/ask',
    ])
  })
})

describe('coach audio availability', () => {
  it('is blocked with a reason when the clip has no narration', () => {
    expect(audioBlockedReason(null, 0)).toMatch(/No narration yet/)
    expect(audioBlockedReason(insight({ narrationCount: 3 }), 0)).toMatch(/No narration yet/)
  })

  it('is blocked while the only narration waits for its transcript', () => {
    expect(audioBlockedReason(insight({ narrationCount: 0 }), 1)).toMatch(/transcribed/)
    expect(audioBlockedReason(null, 1)).toMatch(/transcribed/)
  })

  it('is blocked when the feed only knows the insight, and it was built from nothing', () => {
    expect(audioBlockedReason(insight({ narrationCount: 0 }))).toMatch(/No narration yet/)
    expect(audioBlockedReason(null)).toMatch(/No narration yet/)
  })

  it('is free once the insight has narrations behind it', () => {
    expect(audioBlockedReason(insight(), 2)).toBeNull()
    expect(audioBlockedReason(insight())).toBeNull()
  })
})

describe('what the coach is told', () => {
  it('treats an insight from no narration as no content', () => {
    expect(hasContent(insight({ narrationCount: 0 }))).toBe(false)
    expect(hasContent(null)).toBe(false)
    expect(hasContent(insight())).toBe(true)
  })

  it('names the model and the narration count in the small print', () => {
    expect(provenance(insight({ narrationCount: 2 }))).toMatch(
      /^offline-template · .+ · from 2 narrations$/,
    )
    expect(provenance(insight())).toMatch(/from 1 narration$/)
  })

  it('says nothing on the first read, even when the server generated it', () => {
    expect(refreshNote({ insight: insight(), generated: true }, null, 'first')).toBeNull()
  })

  it('says the insight was regenerated, and from how many narrations', () => {
    const before = insight({ narrationCount: 1 })
    const after = insight({ narrationCount: 2, generatedAt: '2026-03-01T10:05:00.000Z' })
    expect(refreshNote({ insight: after, generated: true }, before, 'narration-added')).toBe(
      'Insight regenerated from 2 narrations (was 1).',
    )
  })

  it('says the insight is still current when the server kept it', () => {
    const kept = insight({ narrationCount: 3 })
    expect(refreshNote({ insight: kept, generated: false }, kept, 'narration-added')).toMatch(
      /still current.*40 %/,
    )
  })

  it('says so when the last transcribed narration went and the insight with it', () => {
    expect(
      refreshNote({ insight: null, generated: false }, insight(), 'narration-removed'),
    ).toMatch(/Insight removed/)
  })

  it('gives each generation of an insight its own audio key', () => {
    const a = insight()
    const b = insight({ generatedAt: '2026-03-01T10:05:00.000Z' })
    expect(audioKey(a)).not.toBe(audioKey(b))
    expect(audioKey(a)).toBe(audioKey(insight()))
  })
})
