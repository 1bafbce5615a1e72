import { describe, expect, it } from 'vitest'
import { playerMoment, visibleNav } from './orgNav'
import { routes } from '../router'

const names = (items: { name: string }[]) => items.map((i) => i.name)

describe('role-based navigation', () => {
  it('shows members only the member screens', () => {
    expect(names(visibleNav('member'))).toEqual(['org', 'library', 'feed', 'search', 'playlists'])
  })

  it('adds the staff screens for staff and above', () => {
    for (const role of ['staff', 'manager', 'owner'] as const) {
      expect(names(visibleNav(role))).toContain('assignments')
      expect(names(visibleNav(role))).toContain('members')
    }
  })

  it('shows nothing to a non-member, everything to a platform admin', () => {
    expect(visibleNav(null)).toEqual([])
    expect(visibleNav(null, true)).toHaveLength(9)
  })

  it('guards the same staff-only screens in the router as the nav hides', () => {
    const org = routes.find((r) => r.path === '/orgs/:orgId')
    const guarded = (org?.children ?? [])
      .filter((c) => c.meta?.minRole === 'staff')
      .map((c) => c.name)
    expect(guarded.sort()).toEqual(['assignments', 'groups', 'members', 'usage'])
  })
})

describe('playerMoment', () => {
  it('links to the player with the time and the clip, as search and ask-the-match do', () => {
    expect(playerMoment('o', 'm', { segmentId: 's', startSeconds: 4.5 })).toEqual({
      name: 'player',
      params: { orgId: 'o', assetId: 'm' },
      query: { t: '4.5', segment: 's' },
    })
    expect(playerMoment('o', 'm', { segmentId: null, startSeconds: null }).query).toEqual({})
  })
})
