import { api } from './api'
import { getItems } from './request'
import type { AdminJob } from '../lib/admin/admin'
import type {
  AdminDashboard,
  OrgRequest,
  CreatedOrg,
  AdminUser,
  AdminNarration,
  AdminMedia,
  AdminListQuery,
} from '../../../contracts/api/admin.ts'
import type { AdminDevice, AdminOrg } from '../../../contracts/responses.ts'

export type * from '../../../contracts/api/admin.ts'
export type { AdminOrg } from '../../../contracts/responses.ts'
/** TX-7: a compute device as its heartbeats describe it. */
export type WorkerDevice = AdminDevice

// ADM-1 / ADM-2 / ORG-1 / ORG-2: the `admin` function, for platform admins only.

export const adminApi = {
  dashboard: () => api<AdminDashboard>('GET', 'admin/dashboard'),
  orgRequests: () => getItems<OrgRequest>('admin/org-requests'),
  approveRequest: (id: string) => api('POST', `admin/org-requests/${id}/approve`, {}),
  rejectRequest: (id: string, notes: string) =>
    api('POST', `admin/org-requests/${id}/reject`, { notes }),

  orgs: (query: AdminListQuery) => getItems<AdminOrg>('admin/orgs', { ...query }),
  createOrg: (body: Record<string, unknown>) =>
    api<{ org: CreatedOrg }>('POST', 'admin/orgs', body),
  updateOrg: (id: string, patch: Record<string, unknown>) =>
    api('PATCH', `admin/orgs/${id}`, patch),
  deleteOrg: (id: string, confirmSlug: string) =>
    api('DELETE', `admin/orgs/${id}`, { confirmSlug }),

  users: (query: AdminListQuery) => getItems<AdminUser>('admin/users', { ...query }),
  setPlatformRole: (id: string, platformRole: string) =>
    api('PATCH', `admin/users/${id}`, { platformRole }),

  narrations: (query: AdminListQuery) => getItems<AdminNarration>('admin/narrations', { ...query }),
  removeNarration: (id: string) => api('DELETE', `admin/narrations/${id}`),

  media: (query: AdminListQuery) => getItems<AdminMedia>('admin/media', { ...query }),
  jobs: (status: string) => getItems<AdminJob>('admin/jobs', { status }),
  devices: () => getItems<WorkerDevice>('admin/devices'),
}
