import { api } from './api'
import { getItems } from './request'
import type { AdminJob } from '../lib/admin/admin'

// ADM-1 / ADM-2 / ORG-1 / ORG-2: the `admin` function, for platform admins only.

export interface AdminDashboard {
  counts: {
    active_orgs: number
    active_users: number
    narrations_30d: number
    failed_jobs_72h: number
    pending_org_requests: number
  }
  daily: { day: string; narrations: number; uploads: number }[]
  attention: {
    failedJobs: {
      id: string
      type: string
      error_code: string | null
      error_message: string | null
      finished_at: string | null
    }[]
  }
  activity: { kind: string; id: string; created_at: string; summary: string | null }[]
}

export interface OrgRequest {
  id: string
  name: string
  type: string
  message: string | null
  status: string
  requested_by: string | null
  created_at: string
}

export interface AdminOrg {
  id: string
  slug: string
  name: string
  type: string
  visibility: string
  storage_limit_bytes: number
  member_count: number
  media_count: number
  created_at: string
}

export interface CreatedOrg {
  id: string
  slug: string
  name: string
}

export interface AdminUser {
  id: string
  username: string
  name: string | null
  platform_role: string
  org_count: number
  created_at: string
}

export interface AdminNarration {
  id: string
  org_id: string
  media_asset_id: string
  username: string | null
  text: string | null
  created_at: string
}

export interface AdminMedia {
  id: string
  org_id: string
  name: string
  kind: string
  status: string
  progress: number | null
  size_bytes: number | null
  error_code: string | null
  error_message: string | null
  created_at: string
}

/** TX-7: a compute device as its heartbeats describe it (offline after 60 s of silence). */
export interface WorkerDevice {
  id: string
  hostname: string
  kind: string | null
  gpu_name: string | null
  encoder: string | null
  current_job_id: string | null
  version: string | null
  status: string
  last_heartbeat_at: string | null
}

/** The list filters; `status` also carries the org type and the platform role, as the API names it. */
export interface AdminListQuery {
  q?: string
  status?: string
  page?: number
}

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
