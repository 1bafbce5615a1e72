// The console's named queries, run as the platform admin (RLS's admin policies apply) or, for the
// storage cleanup queue, as the named service steps.
import type { OrgType, OrgVisibility, PlatformRole } from '../../../contracts/enums.ts'
import { asService, type Tx } from '../_shared/db.ts'
import { likeOrNull, NARRATION_TEXT } from '../_shared/sql.ts'

export const PAGE = 50

/** One page of a console list: an optional search term and status filter. */
export interface ListFilter {
  q?: string
  status?: string
  offset: number
}

export async function dashboard(tx: Tx) {
  const [counts] = await tx`
    select
      (select count(distinct org_id)::int from (
         select org_id from public.media_assets where created_at >= now() - interval '30 days'
         union select org_id from public.narrations where created_at >= now() - interval '30 days') x) as active_orgs,
      (select count(distinct user_id)::int from (
         select author_id as user_id from public.narrations where created_at >= now() - interval '30 days'
         union select user_id from public.viewing_sessions where started_at >= now() - interval '30 days'
         union select uploaded_by from public.media_assets where created_at >= now() - interval '30 days') y
       where user_id is not null) as active_users,
      (select count(*)::int from public.narrations where created_at >= now() - interval '30 days') as narrations_30d,
      (select count(*)::int from public.jobs where state = 'failed' and finished_at >= now() - interval '72 hours') as failed_jobs_72h,
      (select count(*)::int from public.org_requests where status = 'pending') as pending_org_requests`
  const daily = await tx`
    select d::date as day,
           (select count(*)::int from public.narrations n where n.created_at::date = d::date) as narrations,
           (select count(*)::int from public.media_assets a where a.created_at::date = d::date) as uploads
    from generate_series(current_date - 29, current_date, interval '1 day') d order by d`
  const failedJobs = await tx`
    select j.id, j.org_id, j.media_asset_id, j.type::text as type, j.error_code, j.error_message, j.finished_at
    from public.jobs j where j.state = 'failed' order by j.finished_at desc nulls last limit 10`
  const activity = await tx`
    (select 'narration' as kind, n.id, n.org_id, n.created_at, left(n.raw_transcript, 120) as summary
       from public.narrations n order by n.created_at desc limit 10)
    union all
    (select 'upload', a.id, a.org_id, a.created_at, a.name from public.media_assets a
       order by a.created_at desc limit 10)
    order by created_at desc limit 20`
  return { counts, daily, attention: { failedJobs }, activity }
}

export function listOrgs(tx: Tx, { q, status, offset }: ListFilter) {
  const like = likeOrNull(q)
  return tx`
    select o.id, o.slug, o.name, o.type::text as type, o.visibility::text as visibility,
           o.storage_limit_bytes::float8 as storage_limit_bytes, o.created_at,
           (select count(*)::int from public.org_members m where m.org_id = o.id) as member_count,
           (select count(*)::int from public.media_assets a where a.org_id = o.id) as media_count
    from public.organizations o
    where (${like}::text is null or o.name ilike ${like} or o.slug ilike ${like})
      and (${status ?? null}::text is null or o.type::text = ${status ?? null})
    order by o.created_at desc limit ${PAGE} offset ${offset}`
}

export function listUsers(tx: Tx, { q, status, offset }: ListFilter) {
  const like = likeOrNull(q)
  return tx`
    select p.id, p.username, p.name, p.platform_role::text as platform_role, p.created_at,
           (select count(*)::int from public.org_members m where m.user_id = p.id) as org_count
    from public.profiles p
    where (${like}::text is null or p.username ilike ${like} or p.name ilike ${like})
      and (${status ?? null}::text is null or p.platform_role::text = ${status ?? null})
    order by p.created_at desc limit ${PAGE} offset ${offset}`
}

export function listNarrations(tx: Tx, { q, offset }: ListFilter) {
  const like = likeOrNull(q)
  return tx`
    select n.id, n.org_id, n.media_asset_id, n.author_id, p.username,
           ${tx.unsafe(NARRATION_TEXT)} as text, n.created_at
    from public.narrations n left join public.profiles p on p.id = n.author_id
    where (${like}::text is null or n.raw_transcript ilike ${like})
    order by n.created_at desc limit ${PAGE} offset ${offset}`
}

export function listMedia(tx: Tx, { q, status, offset }: ListFilter) {
  const like = likeOrNull(q)
  return tx`
    select a.id, a.org_id, a.name, a.kind::text as kind, a.status::text as status, a.progress,
           a.size_bytes::float8 as size_bytes, a.error_code, a.error_message, a.created_at
    from public.media_assets a
    where (${status ?? null}::text is null or a.status::text = ${status ?? null})
      and (${like}::text is null or a.name ilike ${like})
    order by a.created_at desc limit ${PAGE} offset ${offset}`
}

export function listJobs(tx: Tx, { status, offset }: ListFilter) {
  return tx`
    select j.id, j.org_id, j.media_asset_id, j.type::text as type, j.state::text as state, j.progress,
           j.attempt, j.max_attempts, j.lease_owner, j.error_code, j.error_message, j.created_at, j.finished_at
    from public.jobs j
    where (${status ?? null}::text is null or j.state::text = ${status ?? null})
    order by j.created_at desc limit ${PAGE} offset ${offset}`
}

export function listOrgRequests(tx: Tx, { status, offset }: ListFilter) {
  return tx`
    select r.id, r.name, r.type::text as type, r.message, r.status::text as status, r.review_notes,
           r.created_at, r.reviewed_at, r.org_id, p.username as requested_by
    from public.org_requests r left join public.profiles p on p.id = r.requested_by
    where r.status::text = coalesce(${status ?? null}, 'pending')
    order by r.created_at limit ${PAGE} offset ${offset}`
}

/** Online / degraded / offline after 60 s without a heartbeat (TX-7), computed at read time. */
export function listDevices(tx: Tx) {
  return tx`
    select d.id, d.hostname, d.kind, d.gpu_name, d.encoder, d.current_job_id, d.version, d.last_heartbeat_at,
           private.device_status(d.status, d.last_heartbeat_at)::text as status
    from public.compute_devices d order by d.last_heartbeat_at desc`
}

export interface NewOrg {
  name: string
  type: OrgType
  ownerId: string
  slug?: string
  visibility: OrgVisibility
  bio?: string
  storageLimitBytes?: number
}

export async function createOrg(tx: Tx, o: NewOrg) {
  const [row] = await tx`
    select id, slug, name from private.create_organization(${o.name}, ${o.type}::public.org_type,
      ${o.ownerId}, ${o.slug ?? null}, ${o.visibility}::public.org_visibility, ${o.bio ?? null},
      ${o.storageLimitBytes ?? null})`
  return row
}

export interface OrgPatch {
  name?: string
  slug?: string
  type?: OrgType
  visibility?: OrgVisibility
  bio?: string | null
  storageLimitBytes?: number
}

export async function updateOrg(tx: Tx, id: string, p: OrgPatch) {
  const [org] = await tx`
    update public.organizations set name = coalesce(${p.name ?? null}, name), slug = coalesce(${p.slug ?? null}, slug),
      type = coalesce(${p.type ?? null}::public.org_type, type),
      visibility = coalesce(${p.visibility ?? null}::public.org_visibility, visibility),
      bio = case when ${p.bio !== undefined} then ${p.bio ?? null} else bio end,
      storage_limit_bytes = coalesce(${p.storageLimitBytes ?? null}::bigint, storage_limit_bytes)
    where id = ${id} returning id, slug, name, storage_limit_bytes::float8 as storage_limit_bytes`
  return org
}

export async function orgSlug(tx: Tx, id: string) {
  const [org] = await tx<{ slug: string }[]>`select slug from public.organizations where id = ${id}`
  return org?.slug
}

export async function deleteOrg(tx: Tx, id: string) {
  await tx`delete from public.organizations where id = ${id}`
}

export async function setPlatformRole(tx: Tx, id: string, role: PlatformRole) {
  const [row] = await tx`update public.profiles set platform_role = ${role}::public.platform_role
                         where id = ${id} returning id, username, platform_role::text as platform_role`
  return row
}

/** True when a narration was deleted. */
export async function deleteNarration(tx: Tx, id: string) {
  const deleted = await tx`delete from public.narrations where id = ${id} returning id`
  return deleted.length > 0
}

export async function approveOrgRequest(tx: Tx, id: string, slug?: string) {
  const [row] = await tx<{ id: string; slug: string; name: string; created_by: string | null }[]>`
    select id, slug, name, created_by from private.approve_org_request(${id}, ${slug ?? null})`
  return row!
}

export async function rejectOrgRequest(tx: Tx, id: string, notes: string) {
  const [request] = await tx`
    select id, status::text as status, review_notes from private.reject_org_request(${id}, ${notes})`
  return request
}

// Storage cleanup: prefixes whose deletion failed when their asset was deleted.

export function pendingStorageCleanup(actor: string | undefined) {
  return asService(
    'list-pending-storage-cleanup',
    (tx) => tx<{ id: number; prefix: string }[]>`
      select id, prefix from public.storage_cleanup_queue where processed_at is null order by created_at limit 50`,
    actor,
  )
}

export async function markStorageCleanupDone(id: number) {
  await asService(
    'mark-storage-cleanup-done',
    (tx) => tx`update public.storage_cleanup_queue set processed_at = now() where id = ${id}`,
  )
}

export async function recordStorageCleanupFailure(id: number, err: unknown) {
  await asService(
    'record-storage-cleanup-failure',
    (tx) => tx`
      update public.storage_cleanup_queue set attempts = attempts + 1, last_error = ${String(err).slice(0, 300)}
      where id = ${id}`,
  )
}

/** NARR-4's backlog: narrations with text whose embedding is missing or from another model. */
const NEEDS_EMBEDDING = `${NARRATION_TEXT} <> ''
  and (n.embedding is null or n.embedding_model is distinct from $2)
  and ($1::uuid is null or n.org_id = $1::uuid)`

/** The next batch of the backlog after `after` (keyset over ids), with the text to embed. */
export function narrationsToEmbed(
  tx: Tx,
  o: { orgId: string | null; model: string; after: string; limit: number },
) {
  return tx.unsafe<{ id: string; text: string }[]>(
    `select n.id, ${NARRATION_TEXT} as text from public.narrations n
      where ${NEEDS_EMBEDDING} and n.id > $3 order by n.id limit $4`,
    [o.orgId, o.model, o.after, o.limit],
  )
}

export async function countNarrationsToEmbed(tx: Tx, orgId: string | null, model: string) {
  const [row] = await tx.unsafe<{ count: number }[]>(
    `select count(*)::int as count from public.narrations n where ${NEEDS_EMBEDDING}`,
    [orgId, model],
  )
  return row?.count ?? 0
}
