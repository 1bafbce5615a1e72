// Response and request shapes of the `admin` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.

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

/** The list filters; `status` also carries the org type and the platform role, as the API names it. */
export interface AdminListQuery {
  q?: string
  status?: string
  page?: number
}
