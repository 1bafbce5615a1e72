// `groups` (GRP-1): named sets of org members used as assignment targets.
import { z } from 'zod'
import { asUser, readAsUser } from '../_shared/db.ts'
import { HttpError, json, noContent, parseBody, uuidParam } from '../_shared/http.ts'
import { isOrgMember, orgList, withOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import * as store from './store.ts'
import { groupOrg } from './store.ts'

const Name = z.string().trim().min(1, 'required').max(80, 'at most 80 characters')
const Description = z.string().trim().max(500).nullable().optional()
const CreateGroup = z.object({ orgId: z.uuid(), name: Name, description: Description }).strict()
const UpdateGroup = z.object({ name: Name.optional(), description: Description }).strict()
const AddMember = z.object({ userId: z.uuid() }).strict()

export const groupRoutes: Route[] = [
  { method: 'GET', pattern: '/', handler: orgList('member', store.orgGroups) },
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, CreateGroup)
      const group = await withOrgRole(asUser, user, input.orgId, 'staff', async (tx) => {
        if (await store.groupNameTaken(tx, input.orgId, input.name))
          throw new HttpError(409, 'GROUP_EXISTS', 'A group with that name already exists.')
        return await store.insertGroup(tx, { ...input, createdBy: user.id })
      })
      return json({ group }, 201)
    },
  },
  {
    method: 'GET',
    pattern: '/:groupId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.groupId)
      const result = await withOrgRole(readAsUser, user, groupOrg(id), 'member', async (tx) => ({
        group: await store.groupById(tx, id),
        members: await store.groupMembers(tx, id),
      }))
      return json(result)
    },
  },
  {
    method: 'PATCH',
    pattern: '/:groupId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.groupId)
      const patch = await parseBody(req, UpdateGroup)
      const group = await withOrgRole(asUser, user, groupOrg(id), 'staff', (tx) =>
        store.updateGroup(tx, id, patch),
      )
      return json({ group })
    },
  },
  {
    method: 'DELETE',
    pattern: '/:groupId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.groupId)
      await withOrgRole(asUser, user, groupOrg(id), 'staff', (tx) => store.deleteGroup(tx, id))
      return noContent()
    },
  },
  {
    method: 'POST',
    pattern: '/:groupId/members',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.groupId)
      const { userId } = await parseBody(req, AddMember)
      await withOrgRole(asUser, user, groupOrg(id), 'staff', async (tx, orgId) => {
        if (!(await isOrgMember(tx, orgId, userId)))
          throw new HttpError(
            400,
            'NOT_A_MEMBER',
            'Only members of the organization can join a group.',
          )
        await store.addGroupMember(tx, id, orgId, userId)
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
      await withOrgRole(asUser, user, groupOrg(id), 'staff', (tx) =>
        store.removeGroupMember(tx, id, userId),
      )
      return noContent()
    },
  },
]
