export interface OrgRow {
  id: string
  slug: string
  name: string
  type: string
  visibility: string
  bio: string | null
  storage_limit_bytes: string | number
  created_by: string | null
  created_at: Date
  updated_at: Date
  member_count?: number
}

export const ORG_COLUMNS = `o.id, o.slug, o.name, o.type::text as type, o.visibility::text as visibility,
  o.bio, o.storage_limit_bytes, o.created_by, o.created_at, o.updated_at,
  (select count(*)::int from public.org_members c where c.org_id = o.id) as member_count`

export function toOrg(row: OrgRow) {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    type: row.type,
    visibility: row.visibility,
    bio: row.bio,
    storageLimitBytes: Number(row.storage_limit_bytes),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    memberCount: row.member_count ?? 0,
  }
}
