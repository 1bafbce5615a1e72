import { describe, expect, it } from 'vitest'
import {
  canChangeRole,
  deleteConfirmed,
  deviceTone,
  gibToBytes,
  newOrgBody,
  orgDraftProblems,
  orgPatch,
  orgServerProblems,
  OWNER_NOT_FOUND_MESSAGE,
  recentFailures,
  SLUG_TAKEN_MESSAGE,
  unchangedProblems,
  slugFromName,
  usernameOf,
  type AdminJob,
} from './admin'

const job = (over: Partial<AdminJob>): AdminJob => ({
  id: 'j',
  org_id: null,
  media_asset_id: null,
  type: 'transcode',
  state: 'failed',
  progress: 0,
  attempt: 3,
  max_attempts: 3,
  lease_owner: null,
  error_code: 'X',
  error_message: 'x',
  created_at: '2026-01-01T00:00:00Z',
  finished_at: null,
  ...over,
})

/** A valid org draft, as the console's form holds it. */
const bathDraft = () => ({
  name: 'Bath',
  slug: 'bath',
  type: 'team',
  visibility: 'private',
  bio: '',
  storageGib: '10',
})

describe('admin console rules', () => {
  it('keeps failed jobs of the last 72 hours only', () => {
    const now = new Date('2026-01-10T12:00:00Z')
    const jobs = [
      job({ id: 'recent', finished_at: '2026-01-09T12:00:00Z' }),
      job({ id: 'edge', finished_at: '2026-01-07T12:00:00Z' }),
      job({ id: 'old', finished_at: '2026-01-07T11:59:00Z' }),
      job({ id: 'ok', state: 'succeeded', finished_at: '2026-01-10T11:00:00Z' }),
    ]
    expect(recentFailures(jobs, now).map((j) => j.id)).toEqual(['recent', 'edge'])
  })

  it('deletes only after the exact slug is typed', () => {
    expect(deleteConfirmed('demo-club', 'demo-club')).toBe(true)
    expect(deleteConfirmed(' demo-club ', 'demo-club')).toBe(true)
    expect(deleteConfirmed('Demo-club', 'demo-club')).toBe(false)
    expect(deleteConfirmed('demo', 'demo-club')).toBe(false)
    expect(deleteConfirmed('', '')).toBe(false)
  })

  it('never lets an admin change their own role', () => {
    expect(canChangeRole('me', 'me')).toBe(false)
    expect(canChangeRole('me', 'other')).toBe(true)
    expect(canChangeRole(undefined, 'other')).toBe(false)
  })

  it('colours devices by heartbeat status', () => {
    expect(deviceTone('online')).toBe('complete')
    expect(deviceTone('degraded')).toBe('processing')
    expect(deviceTone('offline')).toBe('failed')
  })

  it('turns GiB into bytes and refuses nonsense', () => {
    expect(gibToBytes('10')).toBe(10 * 1024 ** 3)
    expect(gibToBytes('0,5')).toBe(512 * 1024 ** 2)
    expect(gibToBytes('-1')).toBeNull()
    expect(gibToBytes('lots')).toBeNull()
    // A blank field must not become a 0-byte quota.
    expect(gibToBytes('')).toBeNull()
    expect(gibToBytes('  ')).toBeNull()
    expect(gibToBytes('0')).toBe(0)
    expect(gibToBytes(' 2 ')).toBe(2 * 1024 ** 3)
    expect(gibToBytes(String(100 * 1024 + 1))).toBeNull()
  })

  it('sends only the changed org fields and validates them', () => {
    const before = {
      name: 'Demo',
      slug: 'demo',
      type: 'team',
      visibility: 'private',
      bio: null,
      storage_limit_bytes: 10 * 1024 ** 3,
    }
    const same = { name: 'Demo', slug: 'demo', type: 'team', visibility: 'private', bio: '' }
    expect(orgPatch(before, { ...same, storageGib: '10' })).toEqual({ patch: {} })
    expect(
      orgPatch(before, { ...same, name: ' Demo RFC ', bio: 'Club', storageGib: '20' }),
    ).toEqual({ patch: { name: 'Demo RFC', bio: 'Club', storageLimitBytes: 20 * 1024 ** 3 } })
    expect(orgPatch(before, { ...same, slug: 'Bad Slug', storageGib: '10' })).toHaveProperty(
      'problem',
    )
    expect(orgPatch(before, { ...same, storageGib: 'x' })).toHaveProperty('problem')
  })

  it('suggests a slug from the name as the server would', () => {
    expect(slugFromName('Bath Rugby U18')).toBe('bath-rugby-u18')
    expect(slugFromName('  Stade Français — Paris!  ')).toBe('stade-francais-paris')
    expect(slugFromName("St. Mary's RFC")).toBe('st-mary-s-rfc')
    expect(slugFromName('!!!')).toBe('')
    const long = slugFromName('A'.repeat(39) + ' Club')
    expect(long).toBe('a'.repeat(39))
    expect(long.endsWith('-')).toBe(false)
  })

  it('reads a typed username the way profiles store it', () => {
    expect(usernameOf(' @Coach_Sam ')).toBe('coach_sam')
    expect(usernameOf('')).toBe('')
  })

  it('names each bad field of an org draft', () => {
    const ok = bathDraft()
    expect(orgDraftProblems(ok)).toEqual({})
    const bad = orgDraftProblems({
      ...ok,
      name: 'B',
      slug: '-bath',
      storageGib: '',
      bio: 'x'.repeat(2001),
    })
    expect(Object.keys(bad).sort()).toEqual(['bio', 'name', 'slug', 'storageGib'])
    expect(bad.name).toMatch(/2 to 120 characters/)
    expect(bad.storageGib).toMatch(/number of GiB/)
    expect(orgDraftProblems({ ...ok, slug: '' }).slug).toMatch(/Give the org a slug/)
  })

  it('builds the POST admin/orgs body from a new-org draft, or says what to fix', () => {
    const draft = {
      name: ' Bath Academy ',
      slug: 'bath-academy',
      owner: '@Coach_Sam',
      type: 'academy',
      visibility: 'public',
      bio: ' U18s ',
      storageGib: '2,5',
    }
    expect(newOrgBody(draft)).toEqual({
      body: {
        name: 'Bath Academy',
        slug: 'bath-academy',
        ownerUsername: 'coach_sam',
        type: 'academy',
        visibility: 'public',
        bio: 'U18s',
        storageLimitBytes: 2.5 * 1024 ** 3,
      },
    })
    // The API is strict and trims the bio: an empty one is left out rather than sent as "".
    const noBio = newOrgBody({ ...draft, bio: '  ' })
    expect('body' in noBio && 'bio' in noBio.body).toBe(false)
    const missingOwner = newOrgBody({ ...draft, owner: ' ' })
    expect(missingOwner).toEqual({ problems: { owner: expect.stringMatching(/Choose the owner/) } })
    const notAUsername = newOrgBody({ ...draft, owner: 'Sam Coach', name: '' })
    expect('problems' in notAUsername && Object.keys(notAUsername.problems).sort()).toEqual([
      'name',
      'owner',
    ])
  })

  it('puts a refused create or edit on the fields at fault', () => {
    const validation = {
      code: 'VALIDATION_FAILED',
      fieldErrors: { name: ['Too short'], ownerUsername: ['Required'], storageLimitBytes: ['Big'] },
    }
    expect(orgServerProblems(validation, true)).toEqual({
      name: 'Too short',
      owner: 'Required',
      storageGib: 'Big',
    })
    expect(orgServerProblems({ code: 'SLUG_TAKEN', fieldErrors: {} }, true)).toEqual({
      slug: SLUG_TAKEN_MESSAGE,
    })
    expect(orgServerProblems({ code: 'USER_NOT_FOUND', fieldErrors: {} }, true)).toEqual({
      owner: OWNER_NOT_FOUND_MESSAGE,
    })
    // A plain unique conflict is the slug only when one was sent (an edit may keep the slug).
    expect(orgServerProblems({ code: 'CONFLICT', fieldErrors: {} }, true)).toEqual({
      slug: SLUG_TAKEN_MESSAGE,
    })
    expect(orgServerProblems({ code: 'CONFLICT', fieldErrors: {} }, false)).toEqual({})
    // Anything about no field of the form is left for a form-wide message.
    expect(orgServerProblems({ code: 'NETWORK', fieldErrors: {} }, true)).toEqual({})
    expect(
      orgServerProblems({ code: 'VALIDATION_FAILED', fieldErrors: { type: ['x'] } }, true),
    ).toEqual({})
  })

  it('keeps a server message only while its field still holds the refused value', () => {
    const sent = { ...bathDraft(), owner: 'sam' }
    const problems = { slug: 'taken', owner: 'nobody' }
    expect(unchangedProblems(problems, sent, { ...sent, name: 'Bath RFC' })).toEqual(problems)
    expect(unchangedProblems(problems, sent, { ...sent, slug: 'bath-rfc' })).toEqual({
      owner: 'nobody',
    })
  })
})
