// Org role resolution shared by every domain: one query per request, answered by the database's
// own permission helpers so functions and RLS agree on who may do what.
import type { OrgRole, PlatformRole } from '../../../contracts/enums.ts'
import type { AuthUser } from './auth.ts'
import { type asUser, readAsUser, type Tx } from './db.ts'
import { forbidden, json, notFound, OrgQuery, parseQuery } from './http.ts'
import type { Handler } from './router.ts'

export type { OrgRole, PlatformRole }

export const ROLE_RANK: Record<OrgRole, number> = { owner: 4, manager: 3, staff: 2, member: 1 }

export interface Standing {
  role: OrgRole | null
  platformRole: PlatformRole
}

export async function standingIn(tx: Tx, orgId: string): Promise<Standing> {
  const [row] = await tx<{ role: OrgRole | null; platform_role: PlatformRole | null }[]>`
    select private.org_role_of(${orgId}::uuid) as role,
           (select platform_role from public.profiles where id = (select auth.uid())) as platform_role`
  return { role: row?.role ?? null, platformRole: row?.platform_role ?? 'user' }
}

/**
 * Requires at least `min` in the org. Non-members get 404 (the org's existence is not revealed);
 * members below the rank get 403. Platform admins pass as owners.
 */
export async function requireOrgRole(tx: Tx, orgId: string, min: OrgRole): Promise<Standing> {
  const standing = await standingIn(tx, orgId)
  if (standing.platformRole === 'admin') return standing
  if (!standing.role) throw notFound('Organization not found.')
  if (ROLE_RANK[standing.role] < ROLE_RANK[min]) {
    throw forbidden(`This needs the ${min} role or higher in the organization.`)
  }
  return standing
}

/** Whether `userId` belongs to the org (any role): identity tags and groups name members only. */
export async function isOrgMember(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  const [member] =
    await tx`select 1 from public.org_members where org_id = ${orgId} and user_id = ${userId}`
  return Boolean(member)
}

/**
 * `fn` in the caller's transaction (`run`: `asUser` or `readAsUser`) once they hold at least
 * `min` in the org: `org` is its id, or the lookup of the org of the row a route is about (which
 * answers 404 when RLS hides the row). `fn` gets the org's id.
 */
export function withOrgRole<T>(
  run: typeof asUser,
  user: AuthUser,
  org: string | ((tx: Tx) => Promise<string>),
  min: OrgRole,
  fn: (tx: Tx, orgId: string) => Promise<T>,
): Promise<T> {
  return run(user, async (tx) => {
    const orgId = typeof org === 'string' ? org : await org(tx)
    await requireOrgRole(tx, orgId, min)
    return await fn(tx, orgId)
  })
}

/** A GET of one org's list (`?orgId=…`): the caller's role checked, then `{ items }`. */
export function orgList(
  min: OrgRole,
  list: (tx: Tx, orgId: string, user: AuthUser) => Promise<readonly unknown[]>,
): Handler {
  return async ({ url, user }) => {
    const { orgId } = parseQuery(url, OrgQuery)
    const items = await withOrgRole(readAsUser, user, orgId, min, (tx) => list(tx, orgId, user))
    return json({ items })
  }
}

export async function platformRoleOf(tx: Tx): Promise<PlatformRole> {
  const [row] = await tx<{ platform_role: PlatformRole }[]>`
    select platform_role from public.profiles where id = (select auth.uid())`
  return row?.platform_role ?? 'user'
}

export async function requirePlatformRole(tx: Tx, roles: PlatformRole[]): Promise<PlatformRole> {
  const role = await platformRoleOf(tx)
  if (!roles.includes(role)) throw forbidden('This is for platform administrators.')
  return role
}

/**
 * Maintenance endpoints (routes declared `auth: ['secret', 'user']`): the scheduler calls them
 * with the secret key, and a platform admin may run them by hand. Returns the admin's id, or
 * undefined for the scheduler.
 */
export async function requireServiceOrPlatformAdmin(ctx: {
  authMode: string
  user: AuthUser
}): Promise<string | undefined> {
  if (ctx.authMode === 'secret') return undefined
  await readAsUser(ctx.user, (tx) => requirePlatformRole(tx, ['admin']))
  return ctx.user.id
}
