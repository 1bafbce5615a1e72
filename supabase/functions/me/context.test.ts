import assert from 'node:assert/strict'
import { choosePrimaryOrg, type Membership, resolveLanding } from './context.ts'

Deno.test('landing: admin, onboarding, one org, several orgs', () => {
  assert.equal(resolveLanding('admin', 3), 'admin')
  assert.equal(resolveLanding('user', 0), 'onboarding')
  assert.equal(resolveLanding('user', 1), 'org')
  assert.equal(resolveLanding('moderator', 2), 'home')
  assert.equal(resolveLanding(undefined, 0), 'onboarding')
})

Deno.test('primary org: the preferred one only while still a member', () => {
  const m = (id: string): Membership => ({
    role: 'member',
    org: { id, slug: id, name: id, type: 'team', memberCount: 1 },
  })
  assert.equal(choosePrimaryOrg('b', [m('a'), m('b')]), 'b')
  assert.equal(choosePrimaryOrg('gone', [m('a')]), 'a')
  assert.equal(choosePrimaryOrg(null, []), null)
})
