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

/** Where the player opens a moment: the `t` / `segment` query the player page reads to seek and
 * to select the clip (search results, ask-the-match evidence and clips). */
export function playerMoment(
  orgId: string,
  assetId: string,
  at: { segmentId: string | null; startSeconds: number | null },
) {
  const query: Record<string, string> = {}
  if (at.startSeconds !== null && Number.isFinite(at.startSeconds)) {
    query.t = String(at.startSeconds)
  }
  if (at.segmentId) query.segment = at.segmentId
  return { name: 'player' as const, params: { orgId, assetId }, query }
}
