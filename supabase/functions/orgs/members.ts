// Membership (ORG-3, ORG-4): join codes, listing, adding, role changes, removal, leaving. The
// rank rules live in the database functions; this module shapes requests and responses.
import type { AuthUser } from '../_shared/auth.ts'
import { invalidate, keys } from '../_shared/cache.ts'
import { asService, asUser, readAsUser } from '../_shared/db.ts'
import { HttpError, notFound } from '../_shared/http.ts'
import { type OrgRole, requireOrgRole } from '../_shared/orgs.ts'
import { likeOrNull } from '../_shared/sql.ts'

export interface MemberRow {
  user_id: string
  role: OrgRole
  created_at: Date
  username: string | null
  name: string | null
}

export const toMember = (r: MemberRow) => ({
  userId: r.user_id,
  role: r.role,
  username: r.username,
  name: r.name,
  joinedAt: new Date(r.created_at).toISOString(),
})

export async function joinCode(user: AuthUser, orgId: string) {
  return await readAsUser(user, async (tx) => {
    await requireOrgRole(tx, orgId, 'staff')
    const [row] = await tx<{ join_code: string | null; join_code_set_at: Date | null }[]>`
      select join_code, join_code_set_at from public.organizations where id = ${orgId}`
    if (!row) throw notFound('Organization not found.')
    const setAt = row.join_code_set_at ? new Date(row.join_code_set_at) : null
    const expiresAt = setAt ? new Date(setAt.getTime() + 24 * 3600 * 1000) : null
    return {
      joinCode: row.join_code,
      setAt: setAt?.toISOString() ?? null,
      expiresAt: expiresAt?.toISOString() ?? null,
      expired: expiresAt ? expiresAt.getTime() <= Date.now() : true,
    }
  })
}

export async function refreshJoinCode(user: AuthUser, orgId: string) {
  const row = await asUser(user, async (tx) => {
    await requireOrgRole(tx, orgId, 'staff')
    const [r] = await tx<{ join_code: string; join_code_set_at: Date; expires_at: Date }[]>`
      select * from private.refresh_join_code(${orgId})`
    return r!
  })
  return {
    joinCode: row.join_code,
    setAt: new Date(row.join_code_set_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    expired: false,
  }
}

export async function joinByCode(user: AuthUser, code: string) {
  const row = await asUser(user, async (tx) => {
    const [m] = await tx<{ org_id: string; role: OrgRole }[]>`
      select org_id, role from private.join_org_by_code(${code})`
    return m!
  })
  await invalidate(keys.user(user.id, 'me'))
  return { orgId: row.org_id, role: row.role }
}

export async function listMembers(user: AuthUser, orgId: string, q?: string) {
  return await readAsUser(user, async (tx) => {
    await requireOrgRole(tx, orgId, 'member')
    const pattern = likeOrNull(q)
    const rows = await tx<MemberRow[]>`
      select m.user_id, m.role, m.created_at, p.username, p.name
      from public.org_members m left join public.profiles p on p.id = m.user_id
      where m.org_id = ${orgId}
        and (${pattern}::text is null or p.username ilike ${pattern} or p.name ilike ${pattern})
      order by private.role_rank(m.role) desc, p.username
      limit 500`
    return rows.map(toMember)
  })
}

export async function addMember(user: AuthUser, orgId: string, username: string, role: OrgRole) {
  await readAsUser(user, (tx) => requireOrgRole(tx, orgId, 'manager'))
  // Strangers' profiles are invisible under RLS: resolving a username is a named privileged step.
  const target = await asService('resolve-username-for-invite', async (tx) => {
    const [row] = await tx<
      { id: string }[]
    >`select id from public.profiles where username = ${username}`
    return row
  })
  if (!target) throw new HttpError(404, 'USER_NOT_FOUND', 'No user has that username.')
  const row = await asUser(user, async (tx) => {
    const [existing] = await tx`
      select 1 from public.org_members where org_id = ${orgId} and user_id = ${target.id}`
    if (existing) throw new HttpError(409, 'ALREADY_MEMBER', 'That user is already a member.')
    // RLS: managers add members strictly below their own rank, never themselves.
    const [m] = await tx<MemberRow[]>`
      insert into public.org_members (org_id, user_id, role)
      values (${orgId}, ${target.id}, ${role}::public.org_role)
      returning user_id, role, created_at, null::text as username, null::text as name`
    return m!
  })
  await invalidate(keys.user(target.id, 'me'), keys.user(user.id, 'me'))
  return { ...toMember(row), username }
}

export async function changeRole(user: AuthUser, orgId: string, userId: string, role: OrgRole) {
  const row = await asUser(user, async (tx) => {
    const [m] = await tx<{ user_id: string; role: OrgRole }[]>`
      select user_id, role from private.change_member_role(${orgId}, ${userId}, ${role}::public.org_role)`
    return m!
  })
  await invalidate(keys.user(userId, 'me'))
  return { userId: row.user_id, role: row.role }
}

export async function removeMember(user: AuthUser, orgId: string, userId: string) {
  await asUser(user, (tx) => tx`select private.remove_member(${orgId}, ${userId})`)
  await invalidate(keys.user(userId, 'me'))
}

export async function leave(user: AuthUser, orgId: string) {
  await asUser(user, (tx) => tx`select private.leave_org(${orgId})`)
  await invalidate(keys.user(user.id, 'me'))
}

export async function transferOwnership(user: AuthUser, orgId: string, userId: string) {
  await asUser(user, (tx) => tx`select private.transfer_ownership(${orgId}, ${userId})`)
  await invalidate(keys.user(userId, 'me'), keys.org(orgId, 'org'))
}
