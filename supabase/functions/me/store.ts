// The caller's profile and memberships, their profile writes, and the one privileged username
// lookup sign-up needs.
import type { OrgRole, OrgType, PlatformRole } from '../../../contracts/enums.ts'
import { asService, type Tx } from '../_shared/db.ts'
import { profileIdByUsername } from '../_shared/sql.ts'

export interface ProfileRow {
  id: string
  username: string
  name: string
  platform_role: PlatformRole
  primary_org_id: string | null
  avatar_url: string | null
  created_at: Date
}

const PROFILE_COLUMNS = 'id, username, name, platform_role, primary_org_id, avatar_url, created_at'

export async function profileOf(tx: Tx, userId: string): Promise<ProfileRow | undefined> {
  const [row] = await tx.unsafe<ProfileRow[]>(
    `select ${PROFILE_COLUMNS} from public.profiles where id = $1`,
    [userId],
  )
  return row
}

/** The orgs the user belongs to, by name, each with its member count. */
export function membershipsOf(tx: Tx, userId: string) {
  return tx<
    { role: OrgRole; id: string; slug: string; name: string; type: OrgType; member_count: number }[]
  >`
    select m.role, o.id, o.slug, o.name, o.type::text as type,
           (select count(*)::int from public.org_members c where c.org_id = o.id) as member_count
    from public.org_members m
    join public.organizations o on o.id = m.org_id
    where m.user_id = ${userId}
    order by o.name, o.id`
}

export async function usernameTakenByOther(tx: Tx, username: string, userId: string) {
  const [taken] = await tx`
    select 1 from public.profiles where username = ${username} and id <> ${userId}`
  return Boolean(taken)
}

export async function updateProfile(
  tx: Tx,
  userId: string,
  patch: { name?: string; username?: string; primaryOrgId?: string | null },
) {
  const [row] = await tx.unsafe<ProfileRow[]>(
    `update public.profiles set
      name = coalesce($2, name),
      username = coalesce($3, username),
      primary_org_id = case when $4 then $5::uuid else primary_org_id end
    where id = $1
    returning ${PROFILE_COLUMNS}`,
    [
      userId,
      patch.name ?? null,
      patch.username ?? null,
      patch.primaryOrgId !== undefined,
      patch.primaryOrgId ?? null,
    ],
  )
  return row
}

/** Profiles of strangers are invisible under RLS, so availability is a privileged lookup. */
export function usernameExists(username: string) {
  return asService(
    'check-username-availability',
    async (tx) => (await profileIdByUsername(tx, username)) !== undefined,
  )
}
