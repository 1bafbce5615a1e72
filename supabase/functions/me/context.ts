// The user context (AUTH-3) and the landing resolver (AUTH-4).
import type { Tx } from '../_shared/db.ts'
import type { OrgRole, PlatformRole } from '../_shared/orgs.ts'
import type { OrgType } from '../../../contracts/enums.ts'
import type { Landing, Membership, MeResponse, Profile } from '../../../contracts/responses.ts'

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

export interface ProfileRow {
  id: string
  username: string
  name: string
  platform_role: PlatformRole
  primary_org_id: string | null
  avatar_url: string | null
  created_at: Date
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
  const [profileRow] = await tx<ProfileRow[]>`
    select id, username, name, platform_role, primary_org_id, avatar_url, created_at
    from public.profiles where id = ${user.id}`
  const rows = await tx<
    { role: OrgRole; id: string; slug: string; name: string; type: OrgType; member_count: number }[]
  >`
    select m.role, o.id, o.slug, o.name, o.type::text as type,
           (select count(*)::int from public.org_members c where c.org_id = o.id) as member_count
    from public.org_members m
    join public.organizations o on o.id = m.org_id
    where m.user_id = ${user.id}
    order by o.name, o.id`
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
