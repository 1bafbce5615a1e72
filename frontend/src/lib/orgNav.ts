import type { OrgRole } from './types'
import { hasRole } from './roles'

export interface NavItem {
  name: string
  label: string
  minRole: OrgRole
}

/** The org's screens in nav order, each with the lowest role that sees it. */
export const ORG_NAV: NavItem[] = [
  { name: 'org', label: 'Overview', minRole: 'member' },
  { name: 'library', label: 'Library', minRole: 'member' },
  { name: 'feed', label: 'Feed', minRole: 'member' },
  { name: 'search', label: 'Search', minRole: 'member' },
  { name: 'playlists', label: 'Playlists', minRole: 'member' },
  { name: 'assignments', label: 'Assignments', minRole: 'staff' },
  { name: 'groups', label: 'Groups', minRole: 'staff' },
  { name: 'members', label: 'Members', minRole: 'staff' },
  { name: 'usage', label: 'Usage', minRole: 'staff' },
]

export function visibleNav(role: OrgRole | null, platformAdmin = false): NavItem[] {
  return ORG_NAV.filter((item) => platformAdmin || hasRole(role, item.minRole))
}
