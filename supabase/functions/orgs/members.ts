// Membership (ORG-3, ORG-4): join codes, listing, adding, role changes, removal, leaving. The
// rank rules live in the database functions; this module shapes requests and responses and
// invalidates the cached contexts a change touches.
import type { AuthUser } from '../_shared/auth.ts'
import { invalidate, keys } from '../_shared/cache.ts'
import { asService, asUser, readAsUser } from '../_shared/db.ts'
import { HttpError, notFound } from '../_shared/http.ts'
import { isOrgMember, type OrgRole, requireOrgRole } from '../_shared/orgs.ts'
import { likeOrNull, profileIdByUsername } from '../_shared/sql.ts'
import * as store from './store.ts'
import type { MemberRow } from './store.ts'

export const toMember = (r: MemberRow) => ({
  userId: r.user_id,
  role: r.role,
  username: r.username,
  name: r.name,
  joinedAt: new Date(r.created_at).toISOString(),
})

/** A join code as the SPA shows it: valid for 24 h from when it was set. */
function joinCodeView(code: string | null, setAt: Date | null, expiresAt: Date | null) {
  return {
    joinCode: code,
    setAt: setAt?.toISOString() ?? null,
    expiresAt: expiresAt?.toISOString() ?? null,
    expired: expiresAt ? expiresAt.getTime() <= Date.now() : true,
  }
}

export async function joinCode(user: AuthUser, orgId: string) {
  return await readAsUser(user, async (tx) => {
    await requireOrgRole(tx, orgId, 'staff')
    const row = await store.joinCodeOf(tx, orgId)
    if (!row) throw notFound('Organization not found.')
    const setAt = row.join_code_set_at ? new Date(row.join_code_set_at) : null
    const expiresAt = setAt ? new Date(setAt.getTime() + 24 * 3600 * 1000) : null
    return joinCodeView(row.join_code, setAt, expiresAt)
  })
}

export async function refreshJoinCode(user: AuthUser, orgId: string) {
  const row = await asUser(user, async (tx) => {
    await requireOrgRole(tx, orgId, 'staff')
    return await store.refreshJoinCode(tx, orgId)
  })
  return joinCodeView(row.join_code, new Date(row.join_code_set_at), new Date(row.expires_at))
}

export async function joinByCode(user: AuthUser, code: string) {
  const row = await asUser(user, (tx) => store.joinOrgByCode(tx, code))
  await invalidate(keys.user(user.id, 'me'))
  return { orgId: row.org_id, role: row.role }
}

export async function listMembers(user: AuthUser, orgId: string, q?: string) {
  return await readAsUser(user, async (tx) => {
    await requireOrgRole(tx, orgId, 'member')
    return (await store.membersOf(tx, orgId, likeOrNull(q))).map(toMember)
  })
}

export async function addMember(user: AuthUser, orgId: string, username: string, role: OrgRole) {
  await readAsUser(user, (tx) => requireOrgRole(tx, orgId, 'manager'))
  // Strangers' profiles are invisible under RLS: resolving a username is a named privileged step.
  const targetId = await asService('resolve-username-for-invite', (tx) =>
    profileIdByUsername(tx, username),
  )
  if (!targetId) throw new HttpError(404, 'USER_NOT_FOUND', 'No user has that username.')
  const row = await asUser(user, async (tx) => {
    if (await isOrgMember(tx, orgId, targetId))
      throw new HttpError(409, 'ALREADY_MEMBER', 'That user is already a member.')
    return await store.insertMember(tx, orgId, targetId, role)
  })
  await invalidate(keys.user(targetId, 'me'), keys.user(user.id, 'me'))
  return { ...toMember(row), username }
}

export async function changeRole(user: AuthUser, orgId: string, userId: string, role: OrgRole) {
  const row = await asUser(user, (tx) => store.changeMemberRole(tx, orgId, userId, role))
  await invalidate(keys.user(userId, 'me'))
  return { userId: row.user_id, role: row.role }
}

export async function removeMember(user: AuthUser, orgId: string, userId: string) {
  await asUser(user, (tx) => store.removeMember(tx, orgId, userId))
  await invalidate(keys.user(userId, 'me'))
}

export async function leave(user: AuthUser, orgId: string) {
  await asUser(user, (tx) => store.leaveOrg(tx, orgId))
  await invalidate(keys.user(user.id, 'me'))
}

export async function transferOwnership(user: AuthUser, orgId: string, userId: string) {
  await asUser(user, (tx) => store.transferOwnership(tx, orgId, userId))
  await invalidate(keys.user(userId, 'me'), keys.org(orgId, 'org'))
}
