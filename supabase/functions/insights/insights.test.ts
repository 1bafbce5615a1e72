// Integration: knowledge search across narrations, insights and match summaries (NARR-5, B-1)
// and the AI endpoints' rules that need the database (AI-2 staleness, AI-4 citations and clips).
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import {
  addMember,
  api,
  createOrg,
  cutSegment,
  insertMatch,
  integrationTest,
  serviceSql,
  signUps,
  type TestUser,
} from '../_shared/testing.ts'

const match = (org: string, owner: TestUser, name: string) =>
  insertMatch(org, owner, { name, fileName: 'm.mp4', durationSeconds: 4800 })

async function narrate(token: string, mediaAssetId: string, text: string, segmentId?: string) {
  const res = await api('narrations', { token, body: { mediaAssetId, segmentId, text } })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body.narration.id as string
}

integrationTest(
  'NARR-5 B-1: knowledge search is org-scoped, snippets highlight, summaries are found',
  async () => {
    const [coach, player, rival] = await signUps('coach', 'player', 'rival')
    const org = await createOrg(coach, 'Search Club')
    const other = await createOrg(rival, 'Rival Club')
    await addMember(org.id, player, 'member')
    const mediaId = await match(org.id, coach, 'Round 1')
    const rivalMedia = await match(other.id, rival, 'Rival Round 1')
    const segmentId = await cutSegment(coach, mediaId, 300, 320)
    const ours = await narrate(
      coach.token,
      mediaId,
      'The lineout throw was crooked again at the front',
      segmentId,
    )
    await narrate(coach.token, mediaId, 'Great line speed in defence on the left edge')
    const theirs = await narrate(rival.token, rivalMedia, 'Lineout throw crooked, lost the ball')

    const search = await api(`narrations/search?orgId=${org.id}&q=crooked%20lineout%20throws`, {
      token: player.token,
    })
    assert.equal(search.status, 200, JSON.stringify(search.body))
    const ids = search.body.items.map((i: { id: string }) => i.id)
    assert.equal(ids[0], ours)
    assert.ok(!ids.includes(theirs), 'another org’s narration leaked into the results')
    const top = search.body.items[0]
    assert.equal(top.kind, 'narration')
    assert.equal(top.segmentId, segmentId)
    assert.equal(top.startSeconds, 300)
    assert.equal(top.mediaName, 'Round 1')
    assert.match(top.snippet, /<mark>lineout<\/mark>/i)
    assert.ok(top.textRank !== null && top.vectorRank !== null)

    // Natural wording with words the notes do not contain still finds them (OR + vectors).
    const natural = await api(
      `narrations/search?orgId=${org.id}&q=${encodeURIComponent('why did our defence line speed drop')}`,
      { token: player.token },
    )
    assert.match(natural.body.items[0].text, /line speed/)

    // A match summary and a segment insight become searchable once generated.
    assert.equal((await api(`insights/matches/${mediaId}`, { token: player.token })).status, 200)
    assert.equal((await api(`insights/segments/${segmentId}`, { token: player.token })).status, 200)
    const kinds = await api(
      `narrations/search?orgId=${org.id}&q=crooked%20lineout&mediaAssetId=${mediaId}`,
      {
        token: player.token,
      },
    )
    const found = new Set(kinds.body.items.map((i: { kind: string }) => i.kind))
    assert.ok(found.has('match_summary'), JSON.stringify(kinds.body.items))
    assert.ok(found.has('segment_insight'), JSON.stringify(kinds.body.items))

    const rivalView = await api(`narrations/search?orgId=${other.id}&q=lineout`, {
      token: rival.token,
    })
    assert.deepEqual(
      rivalView.body.items.map((i: { id: string }) => i.id),
      [theirs],
    )
    assert.equal(
      (await api(`narrations/search?orgId=${org.id}&q=lineout`, { token: rival.token })).status,
      404,
    )
    const tooLong = await api(`narrations/search?orgId=${org.id}&q=${'x'.repeat(501)}`, {
      token: player.token,
    })
    assert.equal(tooLong.status, 400)
  },
)

integrationTest(
  'AI-2 AI-4: match summary staleness at max(5, 20 %), answers cite only evidence',
  async () => {
    const [coach, player, outsider] = await signUps('coach', 'player', 'outsider')
    const org = await createOrg(coach, 'Ask Club')
    await addMember(org.id, player, 'member')
    const mediaId = await match(org.id, coach, 'Cup final')

    const empty = await api(`insights/matches/${mediaId}`, { token: player.token })
    assert.equal(empty.body.intelligence.level, 'empty')
    assert.equal(empty.body.intelligence.narrationCount, 0)
    assert.equal(empty.body.generated, false)

    const segments: string[] = []
    for (let i = 0; i < 6; i++) {
      segments.push(await cutSegment(coach, mediaId, 100 + i * 60, 120 + i * 60))
      await narrate(
        coach.token,
        mediaId,
        `Lineout throw ${i} was not straight and the jumper was late`,
        segments[i],
      )
    }
    const first = await api(`insights/matches/${mediaId}`, { token: player.token })
    assert.equal(first.status, 200)
    assert.equal(first.body.generated, true)
    assert.equal(first.body.intelligence.level, 'light')
    assert.ok(first.body.intelligence.lines.length <= 1)
    // 4 more notes (< 5) keep the cache; the 5th makes it stale.
    for (let i = 0; i < 4; i++) await narrate(coach.token, mediaId, `Scrum note ${i}`)
    const cached = await api(`insights/matches/${mediaId}`, { token: player.token })
    assert.equal(cached.body.generated, false)
    await narrate(coach.token, mediaId, 'Scrum note 5')
    const regenerated = await api(`insights/matches/${mediaId}`, { token: player.token })
    assert.equal(regenerated.body.generated, true)
    assert.equal(regenerated.body.intelligence.narrationCount, 11)
    assert.equal(regenerated.body.intelligence.mediaAssetId, mediaId)
    assert.ok(!('org_id' in regenerated.body.intelligence), 'the raw row leaked')

    const ask = await api(`insights/matches/${mediaId}/ask`, {
      token: player.token,
      body: { question: 'Why was our lineout throw not straight?' },
    })
    assert.equal(ask.status, 200, JSON.stringify(ask.body))
    const evidenceIds = new Set(ask.body.evidence.map((e: { id: string }) => e.id))
    const evidenceSegments = new Set(
      ask.body.evidence.map((e: { segmentId: string }) => e.segmentId),
    )
    assert.ok(ask.body.citedEvidenceIds.length > 0)
    for (const id of ask.body.citedEvidenceIds) assert.ok(evidenceIds.has(id))
    for (const id of ask.body.recommendedSegmentIds) assert.ok(evidenceSegments.has(id))
    // Each recommended clip opens at its own bounds (segment i spans 100 + 60i … 120 + 60i).
    assert.ok(ask.body.recommendedClips.length > 0)
    for (const c of ask.body.recommendedClips as {
      segmentId: string
      startSeconds: number
      endSeconds: number
    }[]) {
      const i = segments.indexOf(c.segmentId)
      assert.ok(i >= 0, 'a recommended clip outside the evidence')
      assert.deepEqual([c.startSeconds, c.endSeconds], [100 + i * 60, 120 + i * 60])
    }
    assert.equal(ask.body.confidence, 'medium') // ≥ 5 evidence, < 12
    assert.ok(ask.body.answer.includes('[1]'))

    assert.equal(
      (
        await api(`insights/matches/${mediaId}/ask`, {
          token: outsider.token,
          body: { question: 'lineout?' },
        })
      ).status,
      404,
    )
    assert.equal(
      (
        await api(`insights/matches/not-a-uuid/ask`, {
          token: player.token,
          body: { question: 'x y z' },
        })
      ).status,
      404,
    )
    assert.equal((await api(`insights/matches/${mediaId}`, { token: outsider.token })).status, 404)
  },
)

integrationTest(
  'AI-1 AI-3: no insight without narration; a deleted note leaves insight and search',
  async () => {
    const [coach, player] = await signUps('coach', 'player')
    const org = await createOrg(coach, 'Insight Club')
    await addMember(org.id, player, 'member')
    const mediaId = await match(org.id, coach, 'Round 2')
    const segmentId = await cutSegment(coach, mediaId, 600, 630)

    const none = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(none.status, 200)
    assert.deepEqual(none.body, { insight: null, generated: false })
    const noAudio = await api(`insights/segments/${segmentId}/audio`, {
      token: player.token,
      method: 'POST',
    })
    assert.equal(noAudio.status, 409)
    assert.equal(noAudio.body.error.code, 'NO_NARRATION')
    const stored = await serviceSql(
      (sql) =>
        sql`select count(*)::int as n from public.segment_insights where segment_id = ${segmentId}`,
    )
    assert.equal(stored[0]?.n, 0, 'a placeholder insight was stored')

    const note = await narrate(
      coach.token,
      mediaId,
      'Crooked throw at the front again, the hooker must straighten it',
      segmentId,
    )
    const made = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(made.body.generated, true)
    assert.match(made.body.insight.summary, /Crooked throw/)
    const audio = await api(`insights/segments/${segmentId}/audio`, {
      token: player.token,
      method: 'POST',
    })
    assert.equal(audio.status, 200, JSON.stringify(audio.body))
    assert.ok(audio.body.audioUrl)

    // The coach takes the note back: neither the insight nor search may still quote it.
    assert.equal(
      (await api(`narrations/${note}`, { token: coach.token, method: 'DELETE' })).status,
      204,
    )
    const after = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(after.body.insight, null)
    const search = await api(`narrations/search?orgId=${org.id}&q=crooked%20throw`, {
      token: player.token,
    })
    assert.equal(search.status, 200)
    assert.deepEqual(search.body.items, [])
  },
)

integrationTest('insights tests: close pools', closePools)
