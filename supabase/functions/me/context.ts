// The user context (AUTH-3) and the landing resolver (AUTH-4).
import type { Tx } from '../_shared/db.ts'
import type { OrgRole, PlatformRole } from '../_shared/orgs.ts'
import type { Landing, Membership, MeResponse, Profile } from '../../../contracts/responses.ts'
import { membershipsOf, type ProfileRow, profileOf } from './store.ts'

export type { Landing, Membership, Profile }

/** The user context (AUTH-3) is the `GET me` response. */
export type UserContext = MeResponse

export function resolveLanding(platformRole: PlatformRole | undefined, orgCount: number): Landing {
  if (platformRole === 'admin') return 'admin'
  if (orgCount === 0) return 'onboarding'
  return orgCount === 1 ? 'org' : 'home'
}

export function choosePrimaryOrg(
  preferred: string | null,
  memberships: Membership[],
): string | null {
  if (preferred && memberships.some((m) => m.org.id === preferred)) return preferred
  return memberships[0]?.org.id ?? null
}

export function toProfile(row: ProfileRow): Profile {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    platformRole: row.platform_role,
    primaryOrgId: row.primary_org_id,
    avatarUrl: row.avatar_url,
    createdAt: new Date(row.created_at).toISOString(),
  }
}

export async function loadUserContext(
  tx: Tx,
  user: { id: string; email?: string },
): Promise<UserContext> {
  const profileRow = await profileOf(tx, user.id)
  const rows = await membershipsOf(tx, user.id)
  const memberships = rows.map((r) => ({
    role: r.role,
    org: { id: r.id, slug: r.slug, name: r.name, type: r.type, memberCount: r.member_count },
  }))
  const profile = profileRow ? toProfile(profileRow) : null
  return {
    user: { id: user.id, email: user.email ?? null },
    profile,
    memberships,
    primaryOrgId: choosePrimaryOrg(profile?.primaryOrgId ?? null, memberships),
    landing: resolveLanding(profile?.platformRole, memberships.length),
  }
}
