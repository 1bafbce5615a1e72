// Integration: segments, narrations and tags through the gateway (SEG-1…3, NARR-1…6, TAG-1…3);
// export is in export.test.ts, insights in ../insights/segment-insight.test.ts.
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import {
  api,
  clubWithMatch,
  cutSegment,
  integrationTest,
  type TestUser,
} from '../_shared/testing.ts'

let coach: TestUser, player: TestUser, outsider: TestUser
let orgId: string, mediaId: string

async function setup() {
  if (mediaId) return
  ;({ coach, player, outsider, orgId, mediaId } = await clubWithMatch({
    prefix: 'seg',
    club: 'Content Club',
    outsiderClub: 'Elsewhere',
    // A transcoded match of 600 s, as the worker leaves it.
    match: { name: 'Final', fileName: 'final.mp4', durationSeconds: 600 },
  }))
}

integrationTest(
  'SEG-1/2/3: create, clamp, member segments, from recording, edit, bulk delete',
  async () => {
    await setup()
    const made = await api('segments', {
      token: coach.token,
      body: { mediaAssetId: mediaId, startSeconds: 590, endSeconds: 640, title: 'Last play' },
    })
    assert.equal(made.status, 201, JSON.stringify(made.body))
    assert.equal(made.body.segment.endSeconds, 600)
    assert.equal(made.body.segment.source, 'owner')
    const short = await api('segments', {
      token: coach.token,
      body: { mediaAssetId: mediaId, startSeconds: 100, endSeconds: 102 },
    })
    assert.equal(short.body.segment.startSeconds, 96)
    const mine = await api('segments', {
      token: player.token,
      body: { mediaAssetId: mediaId, startSeconds: 200, endSeconds: 220 },
    })
    assert.equal(mine.status, 201)
    assert.equal(mine.body.segment.source, 'member')
    assert.equal(
      (
        await api('segments', {
          token: outsider.token,
          body: { mediaAssetId: mediaId, startSeconds: 1, endSeconds: 9 },
        })
      ).status,
      404,
    )
    const reversed = await api('segments', {
      token: coach.token,
      body: { mediaAssetId: mediaId, startSeconds: 50, endSeconds: 40 },
    })
    assert.equal(reversed.status, 400)

    // A recording inside the existing 96–102 segment attaches to it; one far away creates one.
    const attached = await api('segments/from-recording', {
      token: coach.token,
      body: { mediaAssetId: mediaId, recordingStartSeconds: 97, recordingEndSeconds: 99 },
    })
    assert.equal(attached.status, 200, JSON.stringify(attached.body))
    assert.equal(attached.body.attached, true)
    assert.equal(attached.body.segment.id, short.body.segment.id)
    const fresh = await api('segments/from-recording', {
      token: coach.token,
      body: { mediaAssetId: mediaId, recordingStartSeconds: 300, recordingEndSeconds: 320 },
    })
    assert.equal(fresh.body.attached, false)
    assert.deepEqual([fresh.body.segment.startSeconds, fresh.body.segment.endSeconds], [297, 333])
    const extended = await api('segments/from-recording', {
      token: coach.token,
      body: {
        mediaAssetId: mediaId,
        recordingStartSeconds: 330,
        recordingEndSeconds: 345,
        segmentId: fresh.body.segment.id,
      },
    })
    assert.equal(extended.body.segment.endSeconds, 339)

    const memberEdit = await api(`segments/${short.body.segment.id}`, {
      token: player.token,
      method: 'PATCH',
      body: { endSeconds: 120 },
    })
    assert.equal(memberEdit.status, 403)
    const edited = await api(`segments/${short.body.segment.id}`, {
      token: coach.token,
      method: 'PATCH',
      body: { startSeconds: 90, endSeconds: 110, title: 'Lineout drive' },
    })
    assert.equal(edited.status, 200)
    assert.equal(edited.body.segment.title, 'Lineout drive')

    const empty = await api(`segments?mediaAssetId=${mediaId}&empty=true`, { token: player.token })
    assert.equal(empty.body.items.length, 4)
    assert.equal(
      (await api(`segments?mediaAssetId=${mediaId}`, { token: outsider.token })).status,
      404,
    )
    const bulk = await api('segments/bulk-delete', {
      token: coach.token,
      body: { ids: [made.body.segment.id, mine.body.segment.id] },
    })
    assert.deepEqual(bulk.body, { deleted: 2 })
    assert.equal(
      (
        await api('segments/bulk-delete', {
          token: player.token,
          body: { ids: [fresh.body.segment.id] },
        })
      ).status,
      403,
    )
  },
)

integrationTest(
  'NARR: text and voice narrations, visible transcription failure, edit rules, hybrid search',
  async () => {
    await setup()
    const segmentId = await cutSegment(coach, mediaId, 400, 420)
    const coachNote = await api('narrations', {
      token: coach.token,
      body: {
        mediaAssetId: mediaId,
        segmentId,
        text: 'Great tackle after the lineout, fast ruck ball',
        startSeconds: 405,
      },
    })
    assert.equal(coachNote.status, 201, JSON.stringify(coachNote.body))
    assert.equal(coachNote.body.narration.source, 'owner')
    assert.equal(coachNote.body.narration.embedded, true)
    const playerNote = await api('narrations', {
      token: player.token,
      body: {
        mediaAssetId: mediaId,
        segmentId,
        text: 'I should have carried harder into contact',
        startSeconds: 410,
      },
    })
    assert.equal(playerNote.body.narration.source, 'member')
    const emptyNote = await api('narrations', {
      token: player.token,
      body: { mediaAssetId: mediaId, text: '' },
    })
    assert.equal(emptyNote.status, 400)
    assert.equal(
      (
        await api('narrations', {
          token: outsider.token,
          body: { mediaAssetId: mediaId, text: 'x' },
        })
      ).status,
      404,
    )

    const bySource = await api(`narrations?mediaAssetId=${mediaId}&source=member`, {
      token: coach.token,
    })
    assert.deepEqual(
      bySource.body.items.map((n: { id: string }) => n.id),
      [playerNote.body.narration.id],
    )
    const notMine = await api(`narrations/${coachNote.body.narration.id}`, {
      token: player.token,
      method: 'PATCH',
      body: { text: 'changed' },
    })
    assert.equal(notMine.status, 403)
    const staffEdit = await api(`narrations/${playerNote.body.narration.id}`, {
      token: coach.token,
      method: 'PATCH',
      body: { text: 'Carry harder into contact and protect the ball' },
    })
    assert.equal(staffEdit.status, 200)
    assert.equal(staffEdit.body.narration.source, 'member')
    assert.equal(staffEdit.body.narration.embedded, true)

    // Voice: presigned upload of the recording, then transcription.
    const voice = await api('narrations', {
      token: player.token,
      body: {
        mediaAssetId: mediaId,
        segmentId,
        audio: { contentType: 'audio/webm;codecs=opus', durationSeconds: 2.5 },
      },
    })
    assert.equal(voice.status, 201, JSON.stringify(voice.body))
    assert.equal(voice.body.narration.transcription.status, 'pending')
    const early = await api(`narrations/${voice.body.narration.id}/transcribe`, {
      token: player.token,
      body: {},
    })
    assert.equal(early.status, 409)
    const put = await fetch(voice.body.audioUpload.url, {
      method: 'PUT',
      headers: { 'content-type': 'audio/webm' },
      body: new Uint8Array(2048).fill(7),
    })
    assert.equal(put.status, 200)
    await put.body?.cancel()
    // Offline and without a live preview there is no transcript: a visible failure, not silence.
    const failed = await api(`narrations/${voice.body.narration.id}/transcribe`, {
      token: player.token,
      body: {},
    })
    assert.equal(failed.status, 422)
    assert.equal(failed.body.narration.transcription.status, 'failed')
    assert.ok(failed.body.narration.transcription.error)
    const retried = await api(`narrations/${voice.body.narration.id}/transcribe`, {
      token: player.token,
      body: { previewText: 'quick hands from the scrum half' },
    })
    assert.equal(retried.status, 200)
    assert.equal(retried.body.narration.text, 'quick hands from the scrum half')

    const search = await api(
      `narrations/search?orgId=${orgId}&q=${encodeURIComponent('tackle lineout')}`,
      {
        token: player.token,
      },
    )
    assert.equal(search.status, 200, JSON.stringify(search.body))
    assert.equal(search.body.items[0].narrationId, coachNote.body.narration.id)
    assert.equal(search.body.items[0].segmentId, segmentId)
    assert.ok(search.body.items[0].textRank !== null && search.body.items[0].vectorRank !== null)
    assert.equal(
      (await api(`narrations/search?orgId=${orgId}&q=tackle`, { token: outsider.token })).status,
      404,
    )
    assert.equal(
      (await api(`narrations/search?orgId=${orgId}&q=`, { token: player.token })).status,
      400,
    )

    const removed = await api(`narrations/${voice.body.narration.id}`, {
      token: player.token,
      method: 'DELETE',
    })
    assert.equal(removed.status, 204)
  },
)

integrationTest(
  'TAG: taxonomy, idempotent staff and identity tags, self-tag, suggestions reviewed',
  async () => {
    await setup()
    const taxonomy = await api('tags/taxonomy', { token: player.token })
    assert.equal(taxonomy.status, 200)
    assert.ok(taxonomy.body.tags.some((t: { key: string }) => t.key === 'tackle'))
    const segmentId = await cutSegment(coach, mediaId, 500, 520)
    const first = await api('tags', {
      token: coach.token,
      body: { segmentId, tagType: 'action', tagKey: 'carry' },
    })
    assert.equal(first.status, 201, JSON.stringify(first.body))
    const again = await api('tags', {
      token: coach.token,
      body: { segmentId, tagType: 'action', tagKey: 'carry' },
    })
    assert.equal(again.status, 200)
    assert.equal(again.body.tag.id, first.body.tag.id)
    const unknown = await api('tags', {
      token: coach.token,
      body: { segmentId, tagType: 'action', tagKey: 'dropgoal_x' },
    })
    assert.equal(unknown.status, 400)
    assert.equal(unknown.body.error.code, 'UNKNOWN_TAG')
    const identity = await api('tags', {
      token: coach.token,
      body: { segmentId, tagType: 'identity', userId: player.id },
    })
    assert.equal(identity.status, 201)
    const stranger = await api('tags', {
      token: coach.token,
      body: { segmentId, tagType: 'identity', userId: outsider.id },
    })
    assert.equal(stranger.status, 400)
    const memberTag = await api('tags', {
      token: player.token,
      body: { segmentId, tagType: 'action', tagKey: 'pass' },
    })
    assert.equal(memberTag.status, 403)
    const self = await api('tags/self', { token: player.token, body: { segmentId } })
    assert.equal(self.status, 201)
    assert.equal(self.body.tag.id, identity.body.tag.id)

    await api('narrations', {
      token: coach.token,
      body: {
        mediaAssetId: mediaId,
        segmentId,
        text: 'Dominant tackle then a turnover at the lineout',
      },
    })
    const generated = await api('tags/suggestions/generate', {
      token: coach.token,
      body: { segmentId },
    })
    assert.equal(generated.status, 200, JSON.stringify(generated.body))
    const keys = generated.body.items.map((s: { key: string }) => s.key)
    assert.ok(keys.includes('tackle') && keys.includes('lineout') && keys.includes('turnover'))
    assert.ok(!keys.includes('carry'))
    assert.equal(
      (await api(`tags/suggestions?segmentId=${segmentId}`, { token: player.token })).status,
      403,
    )
    const tackle = generated.body.items.find((s: { key: string }) => s.key === 'tackle')
    const decided = await api('tags/suggestions/decide', {
      token: coach.token,
      body: { ids: [tackle.id], decision: 'applied' },
    })
    assert.deepEqual(decided.body, { decided: 1 })
    const tags = await api(`tags?segmentId=${segmentId}`, { token: player.token })
    assert.ok(
      tags.body.items.some(
        (t: { key: string; source: string }) => t.key === 'tackle' && t.source === 'ai',
      ),
    )
    const kept = await api(`tags/suggestions?segmentId=${segmentId}`, { token: coach.token })
    assert.equal(kept.body.items.find((s: { id: string }) => s.id === tackle.id).status, 'applied')
  },
)

integrationTest('content tests: close pools', closePools)
