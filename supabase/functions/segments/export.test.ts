// Integration: a match's segments, tags and narrations exported, and one MP4 clip job (MEDIA-6).
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import { api, cutSegment, integrationTest, lazyClub } from '../_shared/testing.ts'

const club = lazyClub({
  prefix: 'exp',
  club: 'Export Club',
  outsiderClub: 'Elsewhere',
  match: { name: 'Final', fileName: 'final.mp4', durationSeconds: 600 },
})

integrationTest(
  'MEDIA-6: export segments, tags and narrations as JSON and CSV; MP4 clip job once',
  async () => {
    const { coach, player, outsider, mediaId } = await club()
    const segmentId = await cutSegment(coach, mediaId, 540, 560)
    await api('tags', {
      token: coach.token,
      body: { segmentId, tagType: 'context', tagKey: 'scrum' },
    })
    await api('narrations', {
      token: coach.token,
      body: { mediaAssetId: mediaId, segmentId, text: 'Scrum, "dominant" push', startSeconds: 545 },
    })
    const asJson = await api(`media/${mediaId}/export`, { token: player.token })
    assert.equal(asJson.status, 200)
    const exported = asJson.body.segments.find((s: { id: string }) => s.id === segmentId)
    assert.deepEqual(exported.tags, ['context:scrum'])
    assert.equal(exported.narrations[0].text, 'Scrum, "dominant" push')
    const asCsv = await api(`media/${mediaId}/export?format=csv`, { token: player.token })
    assert.equal(asCsv.status, 200)
    assert.match(asCsv.headers.get('content-type') ?? '', /text\/csv/)
    assert.match(String(asCsv.body), /context:scrum,545,.*,"Scrum, ""dominant"" push"/)
    assert.equal((await api(`media/${mediaId}/export`, { token: outsider.token })).status, 404)

    const first = await api(`media/${mediaId}/segments/${segmentId}/mp4`, {
      token: coach.token,
      method: 'POST',
    })
    assert.equal(first.status, 202, JSON.stringify(first.body))
    assert.equal(first.body.state, 'queued')
    const again = await api(`media/${mediaId}/segments/${segmentId}/mp4`, {
      token: coach.token,
      method: 'POST',
    })
    assert.equal(again.body.jobId, first.body.jobId)
    assert.equal(
      (
        await api(`media/${mediaId}/segments/${segmentId}/mp4`, {
          token: player.token,
          method: 'POST',
        })
      ).status,
      403,
    )
  },
)

integrationTest('export tests: close pools', closePools)
