import { api } from './api'
import { getItems } from './request'
import type { Group, GroupMember } from '../../../contracts/api/groups.ts'

export type * from '../../../contracts/api/groups.ts'

// GRP-1: the `groups` function.

export const groupsApi = {
  list: (orgId: string) => getItems<Group>('groups', { orgId }),
  members: async (groupId: string) =>
    (await api<{ members: GroupMember[] }>('GET', `groups/${groupId}`)).members,
  create: (orgId: string, name: string) => api('POST', 'groups', { orgId, name }),
  remove: (groupId: string) => api('DELETE', `groups/${groupId}`),
  addMember: (groupId: string, userId: string) =>
    api('POST', `groups/${groupId}/members`, { userId }),
  removeMember: (groupId: string, userId: string) =>
    api('DELETE', `groups/${groupId}/members/${userId}`),
}
