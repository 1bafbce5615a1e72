// Integration: groups (GRP-1), playlists (PL-1), assignments (ASG-1), feed (FEED-1/2) and
// overview (OV-1/2, MEDIA-5) through the gateway.
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import {
  addMember,
  api,
  createOrg,
  cutSegment,
  insertMatch,
  integrationTest,
  signUps,
} from '../_shared/testing.ts'

integrationTest(
  'GRP/PL/ASG/FEED/OV: a coach builds a playlist and an assignment; players watch and complete',
  async () => {
    const [coach, p1, p2, outsider] = await signUps('asgcoach', 'asgp1', 'asgp2', 'asgout')
    const orgId = (await createOrg(coach, 'Collab Club')).id
    await addMember(orgId, p1, 'member')
    await addMember(orgId, p2, 'member')
    const mediaId = await insertMatch(orgId, coach, {
      name: 'Derby',
      fileName: 'd.mp4',
      durationSeconds: 1200,
    })
    const seg = (start: number) => cutSegment(coach, mediaId, start, start + 20)
    const s1 = await seg(60)
    const s2 = await seg(300)

    // Groups
    const group = await api('groups', { token: coach.token, body: { orgId, name: 'Forwards' } })
    assert.equal(group.status, 201, JSON.stringify(group.body))
    const gid = group.body.group.id
    assert.equal(
      (await api('groups', { token: coach.token, body: { orgId, name: 'Forwards' } })).status,
      409,
    )
    assert.equal(
      (await api('groups', { token: p1.token, body: { orgId, name: 'Mine' } })).status,
      403,
    )
    assert.equal(
      (await api(`groups/${gid}/members`, { token: coach.token, body: { userId: p1.id } })).status,
      201,
    )
    assert.equal(
      (await api(`groups/${gid}/members`, { token: coach.token, body: { userId: outsider.id } }))
        .status,
      400,
    )
    const detail = await api(`groups/${gid}`, { token: p1.token })
    assert.equal(detail.body.members.length, 1)
    assert.equal((await api(`groups?orgId=${orgId}`, { token: outsider.token })).status, 404)

    // Playlists
    const pl = await api('playlists', {
      token: coach.token,
      body: { orgId, name: 'Best tackles', tags: ['defence'] },
    })
    assert.equal(pl.status, 201)
    const plId = pl.body.playlist.id
    await api(`playlists/${plId}/segments`, { token: coach.token, body: { segmentId: s1 } })
    await api(`playlists/${plId}/segments`, { token: coach.token, body: { segmentId: s2 } })
    const reordered = await api(`playlists/${plId}/order`, {
      token: coach.token,
      method: 'PUT',
      body: { segmentIds: [s2, s1] },
    })
    assert.equal(reordered.status, 204)
    const bad = await api(`playlists/${plId}/order`, {
      token: coach.token,
      method: 'PUT',
      body: { segmentIds: [s2] },
    })
    assert.equal(bad.status, 400)
    const feed = await api(`playlists/${plId}`, { token: p2.token })
    assert.deepEqual(
      feed.body.segments.map((s: { id: string }) => s.id),
      [s2, s1],
    )
    assert.deepEqual(feed.body.playlist.tags, ['defence'])
    const renamed = await api(`playlists/${plId}`, {
      token: coach.token,
      method: 'PATCH',
      body: { name: 'Big hits' },
    })
    assert.equal(renamed.body.playlist.name, 'Big hits')
    assert.equal(
      (await api(`playlists?orgId=${orgId}&tag=defence`, { token: p1.token })).body.items.length,
      1,
    )
    assert.equal(
      (await api(`playlists/${plId}`, { token: p1.token, method: 'DELETE' })).status,
      403,
    )

    // Assignments: to the group (p1) and to player p2; the creator is never a recipient.
    const due = new Date(Date.now() + 24 * 3600_000).toISOString()
    const created = await api('assignments', {
      token: coach.token,
      body: {
        orgId,
        title: 'Review tackles',
        dueAt: due,
        targets: [
          { type: 'group', groupId: gid },
          { type: 'player', userId: p2.id },
        ],
        segmentIds: [s1, s2],
      },
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const aid = created.body.assignment.id
    assert.equal(created.body.assignment.recipients, 2)
    assert.equal(created.body.assignment.status, 'due_soon')
    const team = await api('assignments', {
      token: coach.token,
      body: { orgId, title: 'Whole team', targets: [{ type: 'team' }], segmentIds: [s1] },
    })
    assert.equal(team.body.assignment.recipients, 2)
    const noClips = await api('assignments', {
      token: coach.token,
      body: { orgId, title: 'x', targets: [{ type: 'team' }], segmentIds: [] },
    })
    assert.equal(noClips.status, 400)
    assert.equal(
      (
        await api('assignments', {
          token: p1.token,
          body: { orgId, title: 'x', targets: [{ type: 'team' }], segmentIds: [s1] },
        })
      ).status,
      403,
    )

    const inbox = await api(`feed/inbox?orgId=${orgId}`, { token: p1.token })
    assert.equal(inbox.status, 200)
    const item = inbox.body.items.find((i: { assignmentId: string }) => i.assignmentId === aid)
    assert.deepEqual(item.via, ['your_groups'])
    assert.equal(item.totalSegments, 2)
    const p2Inbox = await api(`feed/inbox?orgId=${orgId}`, { token: p2.token })
    assert.deepEqual(
      p2Inbox.body.items.find((i: { assignmentId: string }) => i.assignmentId === aid).via,
      ['you'],
    )
    assert.equal((await api(`assignments/${aid}`, { token: outsider.token })).status, 404)

    // FEED-2: < 50 % does not complete a segment; ≥ 50 % of both completes the assignment.
    const partial = await api('feed/watch', {
      token: p1.token,
      body: { assignmentId: aid, segmentId: s1, fraction: 0.3 },
    })
    assert.deepEqual(partial.body, { completedSegmentIds: [], completed: false })
    await api('feed/watch', {
      token: p1.token,
      body: { assignmentId: aid, segmentId: s1, fraction: 0.6 },
    })
    const done = await api('feed/watch', {
      token: p1.token,
      body: { assignmentId: aid, segmentId: s2, fraction: 1 },
    })
    assert.equal(done.body.completed, true)
    assert.equal(
      (
        await api('feed/watch', {
          token: p1.token,
          body: { assignmentId: aid, segmentId: s2, fraction: 2 },
        })
      ).status,
      400,
    )
    const staffView = await api(`assignments/${aid}`, { token: coach.token })
    const states = Object.fromEntries(
      staffView.body.assignees.map((a: { userId: string; state: string }) => [a.userId, a.state]),
    )
    assert.equal(states[p1.id], 'completed')
    assert.equal(states[p2.id], 'not_started')
    const list = await api(`assignments?orgId=${orgId}`, { token: coach.token })
    assert.equal(list.body.items.length, 2)

    const session = await api('feed/sessions', {
      token: p1.token,
      body: { mediaAssetId: mediaId, segmentId: s1, assignmentId: aid },
    })
    assert.equal(session.status, 201)
    const ended = await api(`feed/sessions/${session.body.session.id}`, {
      token: p1.token,
      method: 'PATCH',
      body: { watchedSeconds: 12.5, ended: true },
    })
    assert.equal(ended.status, 200)
    assert.equal(
      (
        await api(`feed/sessions/${session.body.session.id}`, {
          token: p2.token,
          method: 'PATCH',
          body: { watchedSeconds: 1 },
        })
      ).status,
      404,
    )

    // Moments: segments that name me.
    await api('tags', {
      token: coach.token,
      body: { segmentId: s2, tagType: 'identity', userId: p2.id },
    })
    const moments = await api(`feed/moments?orgId=${orgId}`, { token: p2.token })
    assert.deepEqual(
      moments.body.items.map((m: { segment_id: string }) => m.segment_id),
      [s2],
    )

    // Overview and coverage.
    await api('narrations', {
      token: coach.token,
      body: { mediaAssetId: mediaId, segmentId: s1, text: 'Good tackle', startSeconds: 65 },
    })
    const overview = await api(`overview/match/${mediaId}`, { token: p1.token })
    assert.equal(overview.status, 200, JSON.stringify(overview.body))
    assert.equal(overview.body.coverage.narrationCount, 1)
    assert.ok(overview.body.coverage.largestGapMinutes > 18)
    // OV-1: the next narration shows at once (the overview is never served stale).
    await api('narrations', {
      token: coach.token,
      body: {
        mediaAssetId: mediaId,
        segmentId: s1,
        text: 'Second effort at the ruck',
        startSeconds: 70,
      },
    })
    const refreshed = await api(`overview/match/${mediaId}`, { token: p1.token })
    assert.equal(refreshed.body.coverage.narrationCount, 2)
    assert.equal((await api(`overview/match/${mediaId}`, { token: outsider.token })).status, 404)
    const coverage = await api(`overview/coverage?orgId=${orgId}`, { token: p1.token })
    assert.equal(coverage.body.items[0].narration_count, 2)
    const dashboard = await api(`overview/dashboard?orgId=${orgId}`, { token: coach.token })
    assert.equal(dashboard.status, 200, JSON.stringify(dashboard.body))
    assert.equal(dashboard.body.assignmentCompletion.completed, 1)
    assert.equal((await api(`overview/dashboard?orgId=${orgId}`, { token: p1.token })).status, 403)

    assert.equal(
      (await api(`assignments/${aid}`, { token: coach.token, method: 'DELETE' })).status,
      204,
    )
    assert.equal(
      (await api(`groups/${gid}/members/${p1.id}`, { token: coach.token, method: 'DELETE' }))
        .status,
      204,
    )
    assert.equal((await api(`groups/${gid}`, { token: coach.token, method: 'DELETE' })).status, 204)
  },
)

integrationTest('collab tests: close pools', closePools)
