// Integration: TAG-3 suggestions reviewed by staff and AI-1 segment insights, offline: happy
// paths, permission refusals, bad input and the staleness transition.
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import { uuidv7 } from '../_shared/ids.ts'
import {
  api,
  clubWithMatch,
  cutSegment,
  integrationTest,
  type TestUser,
} from '../_shared/testing.ts'

let coach: TestUser, player: TestUser, outsider: TestUser
let mediaId: string

async function setup() {
  if (mediaId) return
  ;({ coach, player, outsider, mediaId } = await clubWithMatch({
    prefix: 'sug',
    club: 'Suggestion Club',
    outsiderClub: 'Other Club',
    match: { name: 'Semi', fileName: 's.mp4', durationSeconds: 900 },
  }))
}

const segment = (start: number) => cutSegment(coach, mediaId, start, start + 20)

const note = (segmentId: string, text: string, token = coach.token) =>
  api('narrations', { token, body: { mediaAssetId: mediaId, segmentId, text } })

interface Suggestion {
  id: string
  type: string
  key: string
  status: string
}

integrationTest(
  'TAG-3: ≤ 5 per type, canonical keys, not present; apply selected/all, reject; kept',
  async () => {
    await setup()
    const segmentId = await segment(100)
    const passTag = await api('tags', {
      token: coach.token,
      body: { segmentId, tagType: 'action', tagKey: 'pass' },
    })
    assert.equal(passTag.status, 201, JSON.stringify(passTag.body))
    await note(
      segmentId,
      'Tackle, carry, kick, pass and a box kick off the ruck, then a turnover and a line break; ' +
        'scrum and lineout and kick-off and counter attack with a missed tackle, xyzzy flanker',
    )
    const taxonomy = await api('tags/taxonomy', { token: coach.token })
    const canonical = new Set(
      taxonomy.body.tags.map((t: { type: string; key: string }) => `${t.type}:${t.key}`),
    )

    // Members and other orgs cannot generate or review; bad input is refused.
    assert.equal(
      (await api('tags/suggestions/generate', { token: player.token, body: { segmentId } })).status,
      403,
    )
    assert.equal(
      (await api('tags/suggestions/generate', { token: outsider.token, body: { segmentId } }))
        .status,
      404,
    )
    assert.equal(
      (await api('tags/suggestions/generate', { token: coach.token, body: { segmentId: 'x' } }))
        .status,
      400,
    )

    const generated = await api('tags/suggestions/generate', {
      token: coach.token,
      body: { segmentId },
    })
    assert.equal(generated.status, 200, JSON.stringify(generated.body))
    const items: Suggestion[] = generated.body.items
    for (const type of ['action', 'context']) {
      assert.ok(items.filter((s) => s.type === type).length <= 5, `at most 5 ${type} suggestions`)
    }
    assert.ok(items.filter((s) => s.type === 'action').length === 5, 'the cap is reached here')
    for (const s of items) assert.ok(canonical.has(`${s.type}:${s.key}`), `${s.key} is canonical`)
    assert.ok(!items.some((s) => s.type === 'action' && s.key === 'pass'), 'present tag skipped')
    assert.ok(items.every((s) => s.status === 'pending'))

    for (const body of [
      { decision: 'applied' },
      { ids: [], decision: 'applied' },
      { ids: [items[0]!.id], decision: 'maybe' },
      { ids: [items[0]!.id], segmentId, decision: 'applied' },
    ]) {
      const res = await api('tags/suggestions/decide', { token: coach.token, body })
      assert.equal(res.status, 400, JSON.stringify(body))
    }
    const memberDecide = await api('tags/suggestions/decide', {
      token: player.token,
      body: { ids: [items[0]!.id], decision: 'applied' },
    })
    // Members cannot see suggestions at all: not found, nothing decided.
    assert.equal(memberDecide.status, 404)
    const memberAll = await api('tags/suggestions/decide', {
      token: player.token,
      body: { segmentId, decision: 'applied' },
    })
    assert.equal(memberAll.status, 403)

    // Reject one, apply the rest at once; a repeat decides nothing.
    const rejected = items[0]!
    const r = await api('tags/suggestions/decide', {
      token: coach.token,
      body: { ids: [rejected.id], decision: 'rejected' },
    })
    assert.deepEqual(r.body, { decided: 1 })
    const all = await api('tags/suggestions/decide', {
      token: coach.token,
      body: { segmentId, decision: 'applied' },
    })
    assert.deepEqual(all.body, { decided: items.length - 1 })
    const again = await api('tags/suggestions/decide', {
      token: coach.token,
      body: { segmentId, decision: 'applied' },
    })
    assert.deepEqual(again.body, { decided: 0 })

    const tags = await api(`tags?segmentId=${segmentId}`, { token: player.token })
    const tagKeys = new Set(
      tags.body.items.map((t: { type: string; key: string }) => `${t.type}:${t.key}`),
    )
    for (const s of items.slice(1)) assert.ok(tagKeys.has(`${s.type}:${s.key}`), `${s.key} applied`)
    assert.ok(!tagKeys.has(`${rejected.type}:${rejected.key}`), 'the rejected one is not a tag')

    // Decisions are kept, and a regeneration does not suggest them again.
    const regenerated = await api('tags/suggestions/generate', {
      token: coach.token,
      body: { segmentId },
    })
    const after: Suggestion[] = regenerated.body.items
    assert.equal(after.find((s) => s.id === rejected.id)?.status, 'rejected')
    assert.equal(after.filter((s) => s.key === rejected.key && s.type === rejected.type).length, 1)
    assert.ok(after.filter((s) => s.status === 'applied').length === items.length - 1)
  },
)

integrationTest(
  'AI-1: shape, cache, staleness at max(1, 40 %), refusals and bad input',
  async () => {
    await setup()
    const segmentId = await segment(300)
    for (const text of [
      'Line speed was good, the tackle went in low.',
      'Missed tackle on the edge after a slow realignment.',
      'Breakdown work was slow. We need faster cleanout.',
    ]) {
      assert.equal((await note(segmentId, text)).status, 201)
    }
    const first = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(first.status, 200, JSON.stringify(first.body))
    assert.equal(first.body.generated, true)
    const { headline, summary, coachScript, narrationCount } = first.body.insight
    const words = headline.split(/\s+/).filter((w: string) => /\w/.test(w)).length
    assert.ok(words >= 3 && words <= 6, `headline "${headline}" has 3–6 words`)
    assert.equal(summary.match(/[.!?](\s|$)/g)?.length ?? 1, 1, `"${summary}" is one sentence`)
    assert.ok(coachScript.length > 0)
    assert.equal(narrationCount, 3)

    // 3 → 4 narrations: growth 1 < max(1, ceil(40 % of 3) = 2), still cached.
    await note(segmentId, 'Defence held its shape.', player.token)
    const cached = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(cached.body.generated, false)
    assert.equal(cached.body.insight.narrationCount, 3)
    // 3 → 5: growth 2 reaches the threshold, regenerated once, then cached again.
    await note(segmentId, 'Tackle technique improved late on.')
    const stale = await api(`insights/segments/${segmentId}`, { token: player.token })
    assert.equal(stale.body.generated, true)
    assert.equal(stale.body.insight.narrationCount, 5)
    const cachedAgain = await api(`insights/segments/${segmentId}`, { token: coach.token })
    assert.equal(cachedAgain.body.generated, false)

    assert.equal(
      (await api(`insights/segments/${segmentId}`, { token: outsider.token })).status,
      404,
    )
    assert.equal((await api(`insights/segments/${segmentId}`)).status, 401)
    assert.equal((await api('insights/segments/not-a-uuid', { token: player.token })).status, 404)
    assert.equal((await api(`insights/segments/${uuidv7()}`, { token: player.token })).status, 404)
  },
)

integrationTest('suggestions tests: close pools', closePools)
