// Integration: a segment's insight (cached, stale on growth), coach audio, match intelligence
// and "ask the match" through the gateway (AI-1…AI-4).
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import { api, cutSegment, integrationTest, lazyClub } from '../_shared/testing.ts'

const club = lazyClub({
  prefix: 'ins',
  club: 'Insight Club',
  outsiderClub: 'Elsewhere',
  match: { name: 'Final', fileName: 'final.mp4', durationSeconds: 600 },
})

integrationTest(
  'AI-1..4: segment insight (cached, stale on growth), coach audio, match intelligence, ask',
  async () => {
    const { coach, player, outsider, mediaId } = await club()
    const segmentId = await cutSegment(coach, mediaId, 460, 480)
    await api('narrations', {
      token: coach.token,
      body: {
        mediaAssetId: mediaId,
        segmentId,
        text: 'Strong carry through contact at the breakdown',
      },
    })
    const first = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(first.status, 200, JSON.stringify(first.body))
    assert.equal(first.body.generated, true)
    assert.ok(first.body.insight.headline.length > 0)
    const cached = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(cached.body.generated, false)
    await api('narrations', {
      token: player.token,
      body: { mediaAssetId: mediaId, segmentId, text: 'I carried but lost the ball in contact' },
    })
    const refreshed = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(refreshed.body.generated, true)
    assert.equal(refreshed.body.insight.narrationCount, 2)
    assert.equal(
      (await api(`insights/segments/${segmentId}`, { token: outsider.token })).status,
      404,
    )

    const audio = await api(`insights/segments/${segmentId}/audio`, {
      token: player.token,
      method: 'POST',
    })
    assert.equal(audio.status, 200, JSON.stringify(audio.body))
    const bytes = new Uint8Array(await (await fetch(audio.body.audioUrl)).arrayBuffer())
    assert.equal(bytes[0], 0xff)

    const intel = await api(`insights/matches/${mediaId}`, { token: player.token })
    assert.equal(intel.status, 200, JSON.stringify(intel.body))
    assert.equal(intel.body.intelligence.level, 'light')
    const ask = await api(`insights/matches/${mediaId}/ask`, {
      token: player.token,
      body: { question: 'How did we carry into contact?' },
    })
    assert.equal(ask.status, 200, JSON.stringify(ask.body))
    assert.ok(ask.body.evidence.length > 0)
    // The rule itself is unit-tested (insights/rules.test.ts); here it must be applied.
    assert.equal(ask.body.confidence, ask.body.evidence.length < 5 ? 'low' : 'medium')
    assert.ok(ask.body.evidence[0].text.toLowerCase().includes('carr'))
    assert.ok(ask.body.recommendedSegmentIds.includes(segmentId))
    assert.equal(
      (await api(`insights/matches/${mediaId}/ask`, { token: player.token, body: {} })).status,
      400,
    )
  },
)

integrationTest('segment insight tests: close pools', closePools)
