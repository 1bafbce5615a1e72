import { api } from './api'
import type { OrgRole, OrgType, Organization } from '../lib/types'
import type { OrgMember, JoinCode, OrgUsage, OrgStats } from '../../../contracts/api/orgs.ts'

export type * from '../../../contracts/api/orgs.ts'

// ORG-1..6 and AUTH-4: the `orgs` function.

const org = (orgId: string) => `orgs/${orgId}`

export const orgsApi = {
  create: (body: { name: string; type: OrgType }) =>
    api<{ org: Organization }>('POST', 'orgs', body),
  join: (code: string) => api<{ orgId: string }>('POST', 'orgs/join', { code }),
  request: (body: { name: string; type: OrgType; message?: string }) =>
    api('POST', 'orgs/requests', body),

  members: async (orgId: string) =>
    (await api<{ members: OrgMember[] }>('GET', `${org(orgId)}/members`)).members,
  /** The member list where it only improves the screen (names for ids): empty when refused. */
  membersOrNone: (orgId: string) => orgsApi.members(orgId).catch(() => [] as OrgMember[]),
  addMember: (orgId: string, body: { username: string; role: OrgRole }) =>
    api('POST', `${org(orgId)}/members`, body),
  setRole: (orgId: string, userId: string, role: OrgRole) =>
    api('PATCH', `${org(orgId)}/members/${userId}`, { role }),
  removeMember: (orgId: string, userId: string) => api('DELETE', `${org(orgId)}/members/${userId}`),

  joinCode: (orgId: string) => api<JoinCode>('GET', `${org(orgId)}/join-code`),
  newJoinCode: (orgId: string) => api<JoinCode>('POST', `${org(orgId)}/join-code`),

  usage: (orgId: string) => api<OrgUsage>('GET', `${org(orgId)}/usage`),
  stats: async (orgId: string) =>
    (await api<{ stats: OrgStats }>('GET', `${org(orgId)}/stats`)).stats,
}
