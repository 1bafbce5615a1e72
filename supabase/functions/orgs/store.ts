// Org rows, org requests, members and usage, read and written as the caller (the database's
// permission rules decide; an end user can only create orgs and requests of their own).
import type { OrgRole, OrgType, OrgVisibility } from '../../../contracts/enums.ts'
import type { Tx } from '../_shared/db.ts'
import { ORG_COLUMNS, type OrgRow } from './serialize.ts'

export async function orgById(tx: Tx, orgId: string): Promise<OrgRow | undefined> {
  const [row] = await tx.unsafe<OrgRow[]>(
    `select ${ORG_COLUMNS} from public.organizations o where o.id = $1`,
    [orgId],
  )
  return row
}

/**
 * private.create_organization makes the org, its join code and the caller's owner membership
 * in one transaction.
 */
export async function createOrg(tx: Tx, name: string, type: OrgType): Promise<OrgRow> {
  const [created] = await tx<{ id: string }[]>`
    select id from private.create_organization(${name}, ${type}::public.org_type)`
  return (await orgById(tx, created!.id))!
}

export async function updateOrg(
  tx: Tx,
  orgId: string,
  patch: { name?: string; bio?: string | null; visibility?: OrgVisibility },
): Promise<OrgRow | undefined> {
  const [org] = await tx.unsafe<OrgRow[]>(
    `update public.organizations o set
       name = coalesce($2, o.name),
       bio = case when $3 then $4 else o.bio end,
       visibility = coalesce($5::public.org_visibility, o.visibility)
     where o.id = $1 returning ${ORG_COLUMNS}`,
    [
      orgId,
      patch.name ?? null,
      patch.bio !== undefined,
      patch.bio ?? null,
      patch.visibility ?? null,
    ],
  )
  return org
}

export function requestsBy(tx: Tx, userId: string) {
  return tx`
    select id, name, type::text as type, message, status::text as status, review_notes,
           reviewed_at, org_id, created_at
    from public.org_requests where requested_by = ${userId} order by created_at desc`
}

export async function insertRequest(
  tx: Tx,
  userId: string,
  r: { name: string; type: OrgType; message?: string },
) {
  const [row] = await tx`
    insert into public.org_requests (requested_by, name, type, message)
    values (${userId}, ${r.name}, ${r.type}::public.org_type, ${r.message ?? null})
    returning id, name, type::text as type, message, status::text as status, created_at`
  return row
}

export interface MemberRow {
  user_id: string
  role: OrgRole
  created_at: Date
  username: string | null
  name: string | null
}

export async function joinCodeOf(tx: Tx, orgId: string) {
  const [row] = await tx<{ join_code: string | null; join_code_set_at: Date | null }[]>`
    select join_code, join_code_set_at from public.organizations where id = ${orgId}`
  return row
}

/** A fresh join code (the old one stops working), valid for a day. */
export async function refreshJoinCode(tx: Tx, orgId: string) {
  const [row] = await tx<{ join_code: string; join_code_set_at: Date; expires_at: Date }[]>`
    select * from private.refresh_join_code(${orgId})`
  return row!
}

export async function joinOrgByCode(tx: Tx, code: string) {
  const [row] = await tx<{ org_id: string; role: OrgRole }[]>`
    select org_id, role from private.join_org_by_code(${code})`
  return row!
}

/** Members by rank, then username; `pattern` (a LIKE pattern) narrows by username or name. */
export function membersOf(tx: Tx, orgId: string, pattern: string | null) {
  return tx<MemberRow[]>`
    select m.user_id, m.role, m.created_at, p.username, p.name
    from public.org_members m left join public.profiles p on p.id = m.user_id
    where m.org_id = ${orgId}
      and (${pattern}::text is null or p.username ilike ${pattern} or p.name ilike ${pattern})
    order by private.role_rank(m.role) desc, p.username
    limit 500`
}

/** RLS: managers add members strictly below their own rank, never themselves. */
export async function insertMember(tx: Tx, orgId: string, userId: string, role: OrgRole) {
  const [row] = await tx<MemberRow[]>`
    insert into public.org_members (org_id, user_id, role)
    values (${orgId}, ${userId}, ${role}::public.org_role)
    returning user_id, role, created_at, null::text as username, null::text as name`
  return row!
}

export async function changeMemberRole(tx: Tx, orgId: string, userId: string, role: OrgRole) {
  const [row] = await tx<{ user_id: string; role: OrgRole }[]>`
    select user_id, role from private.change_member_role(${orgId}, ${userId}, ${role}::public.org_role)`
  return row!
}

export async function removeMember(tx: Tx, orgId: string, userId: string) {
  await tx`select private.remove_member(${orgId}, ${userId})`
}

export async function leaveOrg(tx: Tx, orgId: string) {
  await tx`select private.leave_org(${orgId})`
}

export async function transferOwnership(tx: Tx, orgId: string, userId: string) {
  await tx`select private.transfer_ownership(${orgId}, ${userId})`
}

/** ORG-5: bytes in use by kind and the org's limit (undefined when the org is not visible). */
export async function storageUsageOf(tx: Tx, orgId: string) {
  const [row] = await tx<
    { originals: number; renditions: number; reserved: number; limit_bytes: number }[]
  >`
    select u.originals_bytes::float8 as originals, u.renditions_bytes::float8 as renditions,
           u.reserved_bytes::float8 as reserved, o.storage_limit_bytes::float8 as limit_bytes
    from public.organizations o
    left join public.org_storage_usage u on u.org_id = o.id
    where o.id = ${orgId}`
  return row
}

/** ORG-6: the counters private.org_stats computes. */
export async function orgStats(tx: Tx, orgId: string) {
  const [row] = await tx<{ stats: Record<string, unknown> }[]>`
    select private.org_stats(${orgId}) as stats`
  return row!.stats
}
