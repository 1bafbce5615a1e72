// Group reads and writes as the caller (RLS: members read; staff write).
import type { Tx } from '../_shared/db.ts'
import { orgLookup } from '../_shared/sql.ts'

const GROUP_SELECT = `select g.id, g.org_id, g.name, g.description, g.created_at,
  (select count(*)::int from public.group_members gm where gm.group_id = g.id) as member_count
  from public.groups g`

export const groupOrg = orgLookup('groups', 'Group not found.')

export function orgGroups(tx: Tx, orgId: string) {
  return tx.unsafe(`${GROUP_SELECT} where g.org_id = $1 order by g.name`, [orgId])
}

export async function groupById(tx: Tx, id: string) {
  return (await tx.unsafe(`${GROUP_SELECT} where g.id = $1`, [id]))[0]
}

export async function groupNameTaken(tx: Tx, orgId: string, name: string) {
  const [dup] = await tx`select 1 from public.groups where org_id = ${orgId} and name = ${name}`
  return Boolean(dup)
}

export async function insertGroup(
  tx: Tx,
  g: { orgId: string; name: string; description?: string | null; createdBy: string },
) {
  const [created] = await tx<{ id: string }[]>`
    insert into public.groups (org_id, name, description, created_by)
    values (${g.orgId}, ${g.name}, ${g.description ?? null}, ${g.createdBy}) returning id`
  return await groupById(tx, created!.id)
}

export async function updateGroup(
  tx: Tx,
  id: string,
  patch: { name?: string; description?: string | null },
) {
  await tx`update public.groups set name = coalesce(${patch.name ?? null}, name),
             description = case when ${patch.description !== undefined} then ${patch.description ?? null} else description end
           where id = ${id}`
  return await groupById(tx, id)
}

export async function deleteGroup(tx: Tx, id: string) {
  await tx`delete from public.groups where id = ${id}`
}

export function groupMembers(tx: Tx, id: string) {
  return tx`
    select gm.user_id, p.username, p.name, m.role::text as role
    from public.group_members gm
    join public.profiles p on p.id = gm.user_id
    join public.org_members m on m.org_id = gm.org_id and m.user_id = gm.user_id
    where gm.group_id = ${id} order by p.username`
}

export async function addGroupMember(tx: Tx, id: string, orgId: string, userId: string) {
  await tx`insert into public.group_members (group_id, org_id, user_id) values (${id}, ${orgId}, ${userId})
           on conflict do nothing`
}

export async function removeGroupMember(tx: Tx, id: string, userId: string) {
  await tx`delete from public.group_members where group_id = ${id} and user_id = ${userId}`
}
