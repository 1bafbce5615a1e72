// Integration: orgs, join codes, members and the user context through the gateway.
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import { api, createOrg, integrationTest, serviceSql, signUp, signUps } from '../_shared/testing.ts'

integrationTest(
  'ORG/AUTH: create, me, join by code, members, roles, leave, usage, stats',
  async () => {
    const [owner, joiner, outsider] = await signUps('owner', 'joiner', 'outsider')

    const before = await api('me', { token: joiner.token })
    assert.equal(before.status, 200)
    assert.equal(before.body.landing, 'onboarding')
    assert.equal(before.body.memberships.length, 0)
    assert.equal(before.body.user.id, joiner.id)

    const org = await createOrg(owner, 'Harlequins Academy')
    assert.match(org.slug, /^harlequins-academy/)
    const mine = await api('me', { token: owner.token })
    assert.equal(mine.body.landing, 'org')
    assert.equal(mine.body.primaryOrgId, org.id)
    assert.deepEqual(mine.body.memberships[0].role, 'owner')
    assert.equal(mine.body.memberships[0].org.memberCount, 1)

    const got = await api(`orgs/${org.id}`, { token: owner.token })
    assert.equal(got.status, 200)
    assert.equal(got.body.role, 'owner')
    assert.equal((await api(`orgs/${org.id}`, { token: outsider.token })).status, 404)

    const code = await api(`orgs/${org.id}/join-code`, { token: owner.token })
    assert.equal(code.status, 200)
    assert.match(code.body.joinCode, /^[A-HJ-NP-Z2-9]{8}$/)
    const refreshed = await api(`orgs/${org.id}/join-code`, { token: owner.token, method: 'POST' })
    assert.notEqual(refreshed.body.joinCode, code.body.joinCode)

    const invalid = await api('orgs/join', { token: joiner.token, body: { code: 'AAAAAAAA' } })
    assert.equal(invalid.status, 404)
    assert.equal(invalid.body.error.code, 'JOIN_CODE_INVALID')
    const empty = await api('orgs/join', { token: joiner.token, body: { code: '' } })
    assert.equal(empty.status, 400)
    assert.equal(empty.body.error.code, 'JOIN_CODE_REQUIRED')

    const joined = await api('orgs/join', {
      token: joiner.token,
      body: { code: refreshed.body.joinCode.toLowerCase() },
    })
    assert.equal(joined.status, 200, JSON.stringify(joined.body))
    assert.deepEqual(joined.body, { orgId: org.id, role: 'member' })
    // The cached context was invalidated by the join.
    const after = await api('me', { token: joiner.token })
    assert.equal(after.body.landing, 'org')
    assert.equal(after.body.memberships[0].org.id, org.id)

    // Members cannot see the join code, stats or usage, nor edit the org.
    assert.equal((await api(`orgs/${org.id}/join-code`, { token: joiner.token })).status, 403)
    assert.equal((await api(`orgs/${org.id}/stats`, { token: joiner.token })).status, 403)
    assert.equal((await api(`orgs/${org.id}/usage`, { token: joiner.token })).status, 403)
    const rename = await api(`orgs/${org.id}`, {
      token: joiner.token,
      method: 'PATCH',
      body: { name: 'Hijacked' },
    })
    assert.equal(rename.status, 403)

    // An expired code is refused on the server.
    await serviceSql(
      (sql) =>
        sql`update public.organizations set join_code_set_at = now() - interval '25 hours' where id = ${org.id}`,
    )
    const late = await api('orgs/join', {
      token: outsider.token,
      body: { code: refreshed.body.joinCode },
    })
    assert.equal(late.status, 400)
    assert.equal(late.body.error.code, 'JOIN_CODE_EXPIRED')

    const members = await api(`orgs/${org.id}/members`, { token: joiner.token })
    assert.equal(members.status, 200)
    assert.equal(members.body.members.length, 2)

    const outsiderProfile = await api('me', { token: outsider.token })
    const added = await api(`orgs/${org.id}/members`, {
      token: owner.token,
      body: { username: outsiderProfile.body.profile.username, role: 'staff' },
    })
    assert.equal(added.status, 201, JSON.stringify(added.body))
    assert.equal(added.body.member.role, 'staff')
    const again = await api(`orgs/${org.id}/members`, {
      token: owner.token,
      body: { username: outsiderProfile.body.profile.username },
    })
    assert.equal(again.status, 409)
    const nobody = await api(`orgs/${org.id}/members`, {
      token: owner.token,
      body: { username: 'no-such-user-xyz' },
    })
    assert.equal(nobody.status, 404)

    const memberRemoves = await api(`orgs/${org.id}/members/${outsider.id}`, {
      token: joiner.token,
      method: 'DELETE',
    })
    assert.equal(memberRemoves.status, 403)
    const promote = await api(`orgs/${org.id}/members/${joiner.id}`, {
      token: owner.token,
      method: 'PATCH',
      body: { role: 'staff' },
    })
    assert.equal(promote.status, 200, JSON.stringify(promote.body))
    assert.equal(promote.body.member.role, 'staff')
    const self = await api(`orgs/${org.id}/members/${owner.id}`, {
      token: owner.token,
      method: 'PATCH',
      body: { role: 'manager' },
    })
    assert.equal(self.status, 403)
    assert.equal(self.body.error.code, 'CANNOT_ACT_ON_SELF')

    const ownerLeaves = await api(`orgs/${org.id}/leave`, { token: owner.token, method: 'POST' })
    assert.equal(ownerLeaves.status, 409)
    const left = await api(`orgs/${org.id}/leave`, { token: joiner.token, method: 'POST' })
    assert.equal(left.status, 204)
    const removed = await api(`orgs/${org.id}/members/${outsider.id}`, {
      token: owner.token,
      method: 'DELETE',
    })
    assert.equal(removed.status, 204)

    const usage = await api(`orgs/${org.id}/usage`, { token: owner.token })
    assert.equal(usage.status, 200)
    assert.equal(usage.body.limitBytes, 10 * 1024 ** 3)
    assert.equal(usage.body.level, 'ok')
    const stats = await api(`orgs/${org.id}/stats`, { token: owner.token })
    assert.equal(stats.status, 200, JSON.stringify(stats.body))
    assert.equal(stats.body.stats.members, 1)

    const renamed = await api(`orgs/${org.id}`, {
      token: owner.token,
      method: 'PATCH',
      body: { name: 'Quins Academy', bio: 'Under-18s' },
    })
    assert.equal(renamed.status, 200)
    assert.equal(
      (await api(`orgs/${org.id}`, { token: owner.token })).body.org.name,
      'Quins Academy',
    )
  },
)

integrationTest('ORG-1 request an org; bad input; profile settings (AUTH-5)', async () => {
  const user = await signUp('request')
  const req = await api('orgs/requests', {
    token: user.token,
    body: { name: 'Bath Juniors', type: 'academy', message: 'Please' },
  })
  assert.equal(req.status, 201)
  assert.equal(req.body.request.status, 'pending')
  const list = await api('orgs/requests', { token: user.token })
  assert.equal(list.body.requests.length, 1)
  for (const body of [{}, { name: 'x', type: 'team' }, { name: 'Okay', type: 'club' }]) {
    const res = await api('orgs', { token: user.token, body })
    assert.equal(res.status, 400, JSON.stringify(body))
  }
  const patched = await api('me', {
    token: user.token,
    method: 'PATCH',
    body: { name: 'New Name' },
  })
  assert.equal(patched.status, 200)
  assert.equal(patched.body.profile.name, 'New Name')
  const bad = await api('me', { token: user.token, method: 'PATCH', body: { username: 'A!' } })
  assert.equal(bad.status, 400)
  const notMine = await api('me', {
    token: user.token,
    method: 'PATCH',
    body: { primaryOrgId: crypto.randomUUID() },
  })
  assert.equal(notMine.status, 400)
  const available = await api('me/username-available?username=zz-free-name')
  assert.deepEqual(available.body, { available: true, valid: true })
})

integrationTest(
  'ORG-3: a refreshed join code is stored: read back, joinable, and it retires the old one',
  async () => {
    const [owner, coach, early, player] = await signUps('owner', 'coach', 'early', 'player')
    const org = await createOrg(owner, 'Refresh Club')
    await serviceSql(
      (sql) => sql`insert into public.org_members (org_id, user_id, role)
                 values (${org.id}, ${coach.id}, 'staff')`,
    )
    const first = await api(`orgs/${org.id}/join-code`, { token: coach.token, method: 'POST' })
    assert.equal(first.status, 200, JSON.stringify(first.body))
    const second = await api(`orgs/${org.id}/join-code`, { token: coach.token, method: 'POST' })
    assert.notEqual(second.body.joinCode, first.body.joinCode)
    // What the refresh answered is what the database holds, for both the API and SQL.
    const shown = await api(`orgs/${org.id}/join-code`, { token: owner.token })
    assert.equal(shown.body.joinCode, second.body.joinCode)
    assert.equal(shown.body.setAt, second.body.setAt)
    const [stored] = await serviceSql(
      (sql) => sql`select join_code from public.organizations where id = ${org.id}`,
    )
    assert.equal(stored!.join_code, second.body.joinCode)
    const stale = await api('orgs/join', {
      token: early.token,
      body: { code: first.body.joinCode },
    })
    assert.equal(stale.status, 404)
    assert.equal(stale.body.error.code, 'JOIN_CODE_INVALID')
    const joined = await api('orgs/join', {
      token: player.token,
      body: { code: ` ${second.body.joinCode} ` },
    })
    assert.equal(joined.status, 200, JSON.stringify(joined.body))
    assert.deepEqual(joined.body, { orgId: org.id, role: 'member' })
  },
)

integrationTest('orgs tests: close pools', closePools)
