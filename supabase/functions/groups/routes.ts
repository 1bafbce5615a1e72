// `groups` (GRP-1): named sets of org members used as assignment targets.
import { z } from 'zod'
import { asUser, readAsUser, type Tx } from '../_shared/db.ts'
import {
  HttpError,
  json,
  noContent,
  notFound,
  parseBody,
  parseQuery,
  uuidParam,
} from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'

const OrgQuery = z.object({ orgId: z.uuid({ message: 'must be a UUID' }) })
const Name = z.string().trim().min(1, 'required').max(80, 'at most 80 characters')
const Description = z.string().trim().max(500).nullable().optional()
const CreateGroup = z.object({ orgId: z.uuid(), name: Name, description: Description }).strict()
const UpdateGroup = z.object({ name: Name.optional(), description: Description }).strict()
const AddMember = z.object({ userId: z.uuid() }).strict()

async function groupOrg(tx: Tx, groupId: string): Promise<string> {
  const [row] = await tx<
    { org_id: string }[]
  >`select org_id from public.groups where id = ${groupId}`
  if (!row) throw notFound('Group not found.')
  return row.org_id
}

const GROUP_SELECT = `select g.id, g.org_id, g.name, g.description, g.created_at,
  (select count(*)::int from public.group_members gm where gm.group_id = g.id) as member_count
  from public.groups g`

export const groupRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ url, user }) => {
      const { orgId } = parseQuery(url, OrgQuery)
      const items = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, orgId, 'member')
        return await tx.unsafe(`${GROUP_SELECT} where g.org_id = $1 order by g.name`, [orgId])
      })
      return json({ items })
    },
  },
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, CreateGroup)
      const group = await asUser(user, async (tx) => {
        await requireOrgRole(tx, input.orgId, 'staff')
        const [dup] =
          await tx`select 1 from public.groups where org_id = ${input.orgId} and name = ${input.name}`
        if (dup) throw new HttpError(409, 'GROUP_EXISTS', 'A group with that name already exists.')
        const [created] = await tx<{ id: string }[]>`
          insert into public.groups (org_id, name, description, created_by)
          values (${input.orgId}, ${input.name}, ${input.description ?? null}, ${user.id}) returning id`
        return (await tx.unsafe(`${GROUP_SELECT} where g.id = $1`, [created!.id]))[0]
      })
      return json({ group }, 201)
    },
  },
  {
    method: 'GET',
    pattern: '/:groupId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.groupId)
      const result = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, await groupOrg(tx, id), 'member')
        const [group] = await tx.unsafe(`${GROUP_SELECT} where g.id = $1`, [id])
        const members = await tx`
          select gm.user_id, p.username, p.name, m.role::text as role
          from public.group_members gm
          join public.profiles p on p.id = gm.user_id
          join public.org_members m on m.org_id = gm.org_id and m.user_id = gm.user_id
          where gm.group_id = ${id} order by p.username`
        return { group, members }
      })
      return json(result)
    },
  },
  {
    method: 'PATCH',
    pattern: '/:groupId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.groupId)
      const patch = await parseBody(req, UpdateGroup)
      const group = await asUser(user, async (tx) => {
        await requireOrgRole(tx, await groupOrg(tx, id), 'staff')
        await tx`update public.groups set name = coalesce(${patch.name ?? null}, name),
                   description = case when ${patch.description !== undefined} then ${patch.description ?? null} else description end
                 where id = ${id}`
        return (await tx.unsafe(`${GROUP_SELECT} where g.id = $1`, [id]))[0]
      })
      return json({ group })
    },
  },
  {
    method: 'DELETE',
    pattern: '/:groupId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.groupId)
      await asUser(user, async (tx) => {
        await requireOrgRole(tx, await groupOrg(tx, id), 'staff')
        await tx`delete from public.groups where id = ${id}`
      })
      return noContent()
    },
  },
  {
    method: 'POST',
    pattern: '/:groupId/members',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.groupId)
      const { userId } = await parseBody(req, AddMember)
      await asUser(user, async (tx) => {
        const orgId = await groupOrg(tx, id)
        await requireOrgRole(tx, orgId, 'staff')
        const [member] =
          await tx`select 1 from public.org_members where org_id = ${orgId} and user_id = ${userId}`
        if (!member)
          throw new HttpError(
            400,
            'NOT_A_MEMBER',
            'Only members of the organization can join a group.',
          )
        await tx`insert into public.group_members (group_id, org_id, user_id) values (${id}, ${orgId}, ${userId})
                 on conflict do nothing`
      })
      return json({ groupId: id, userId }, 201)
    },
  },
  {
    method: 'DELETE',
    pattern: '/:groupId/members/:userId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.groupId)
      const userId = uuidParam(params.userId)
      await asUser(user, async (tx) => {
        await requireOrgRole(tx, await groupOrg(tx, id), 'staff')
        await tx`delete from public.group_members where group_id = ${id} and user_id = ${userId}`
      })
      return noContent()
    },
  },
]
