// `admin` (ADM-1, ADM-2, ORG-1 decisions, ORG-2): the platform console. Every route requires the
// platform admin role (narration moderation also moderators); RLS's admin policies still apply.
import { z } from 'zod'
import type { AuthUser } from '../_shared/auth.ts'
import { asService, asUser, readAsUser, type Tx } from '../_shared/db.ts'
import {
  HttpError,
  json,
  noContent,
  notFound,
  parseBody,
  parseQuery,
  uuidParam,
} from '../_shared/http.ts'
import {
  requirePlatformRole,
  requireServiceOrPlatformAdmin,
  type PlatformRole,
} from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import { invalidate, keys } from '../_shared/cache.ts'
import { deletePrefix } from '../_shared/storage.ts'
import { backfillEmbeddings } from '../narrations/backfill.ts'

const Search = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.string().max(20).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
})
const likeOf = (q?: string) => (q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null)
const PAGE = 50
type SearchQuery = z.infer<typeof Search>

/** A console list: the caller's platform role checked, then one page of `list` as JSON. */
async function searchPage(
  url: URL,
  user: AuthUser,
  roles: PlatformRole[],
  list: (tx: Tx, q: SearchQuery, offset: number) => PromiseLike<readonly unknown[]>,
): Promise<Response> {
  const q = parseQuery(url, Search)
  const items = await readAsUser(user, async (tx) => {
    await requirePlatformRole(tx, roles)
    return await list(tx, q, (q.page - 1) * PAGE)
  })
  return json({ items, page: q.page, pageSize: PAGE })
}

/**
 * A scheduled call (private.schedules: the secret key, as narrations' sweeper takes it) or a
 * platform admin. Returns the acting user's id, none for the schedule.
 */
const Backfill = z
  .object({
    batchSize: z.number().int().min(1).max(200).default(50),
    maxBatches: z.number().int().min(1).max(100).default(20),
    orgId: z.uuid({ message: 'must be a UUID' }).optional(),
  })
  .strict()

const CreateOrg = z
  .object({
    name: z.string().trim().min(2).max(120),
    slug: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/, 'lowercase letters, digits and dashes')
      .optional(),
    ownerUsername: z.string().trim().toLowerCase().min(3).max(24),
    type: z.enum(['team', 'academy', 'personal']).default('team'),
    visibility: z.enum(['private', 'public']).default('private'),
    bio: z.string().trim().max(2000).optional(),
    storageLimitBytes: z
      .number()
      .int()
      .min(0)
      .max(100 * 1024 ** 4)
      .optional(),
  })
  .strict()
const UpdateOrg = z
  .object({
    name: z.string().trim().min(2).max(120).optional(),
    slug: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/)
      .optional(),
    type: z.enum(['team', 'academy', 'personal']).optional(),
    visibility: z.enum(['private', 'public']).optional(),
    bio: z.string().trim().max(2000).nullable().optional(),
    storageLimitBytes: z
      .number()
      .int()
      .min(0)
      .max(100 * 1024 ** 4)
      .optional(),
  })
  .strict()
const DeleteOrg = z.object({ confirmSlug: z.string().max(100) }).strict()
const SetRole = z.object({ platformRole: z.enum(['admin', 'moderator', 'user']) }).strict()
const Approve = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/)
      .optional(),
  })
  .strict()
const Reject = z.object({ notes: z.string().trim().min(1, 'say why').max(2000) }).strict()

export const adminRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/dashboard',
    handler: async ({ user }) => {
      const result = await readAsUser(user, async (tx) => {
        await requirePlatformRole(tx, ['admin'])
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
      })
      return json(result)
    },
  },
  {
    method: 'GET',
    pattern: '/orgs',
    handler: ({ url, user }) =>
      searchPage(
        url,
        user,
        ['admin'],
        (tx, q, offset) => tx`
          select o.id, o.slug, o.name, o.type::text as type, o.visibility::text as visibility,
                 o.storage_limit_bytes::float8 as storage_limit_bytes, o.created_at,
                 (select count(*)::int from public.org_members m where m.org_id = o.id) as member_count,
                 (select count(*)::int from public.media_assets a where a.org_id = o.id) as media_count
          from public.organizations o
          where (${likeOf(q.q)}::text is null or o.name ilike ${likeOf(q.q)} or o.slug ilike ${likeOf(q.q)})
            and (${q.status ?? null}::text is null or o.type::text = ${q.status ?? null})
          order by o.created_at desc limit ${PAGE} offset ${offset}`,
      ),
  },
  {
    method: 'POST',
    pattern: '/orgs',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, CreateOrg)
      const org = await asUser(user, async (tx) => {
        await requirePlatformRole(tx, ['admin'])
        const [owner] = await tx<
          { id: string }[]
        >`select id from public.profiles where username = ${input.ownerUsername}`
        if (!owner) throw new HttpError(404, 'USER_NOT_FOUND', 'No user has that username.')
        const [row] = await tx`
          select id, slug, name from private.create_organization(${input.name}, ${input.type}::public.org_type,
            ${owner.id}, ${input.slug ?? null}, ${input.visibility}::public.org_visibility, ${input.bio ?? null},
            ${input.storageLimitBytes ?? null})`
        return row
      })
      return json({ org }, 201)
    },
  },
  {
    method: 'PATCH',
    pattern: '/orgs/:orgId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.orgId)
      const p = await parseBody(req, UpdateOrg)
      const [org] = await asUser(user, async (tx) => {
        await requirePlatformRole(tx, ['admin'])
        return await tx`
          update public.organizations set name = coalesce(${p.name ?? null}, name), slug = coalesce(${p.slug ?? null}, slug),
            type = coalesce(${p.type ?? null}::public.org_type, type),
            visibility = coalesce(${p.visibility ?? null}::public.org_visibility, visibility),
            bio = case when ${p.bio !== undefined} then ${p.bio ?? null} else bio end,
            storage_limit_bytes = coalesce(${p.storageLimitBytes ?? null}::bigint, storage_limit_bytes)
          where id = ${id} returning id, slug, name, storage_limit_bytes::float8 as storage_limit_bytes`
      })
      if (!org) throw notFound('Organization not found.')
      await invalidate(keys.org(id, 'org'))
      return json({ org })
    },
  },
  {
    method: 'DELETE',
    pattern: '/orgs/:orgId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.orgId)
      const { confirmSlug } = await parseBody(req, DeleteOrg)
      await asUser(user, async (tx) => {
        await requirePlatformRole(tx, ['admin'])
        const [org] = await tx<
          { slug: string }[]
        >`select slug from public.organizations where id = ${id}`
        if (!org) throw notFound('Organization not found.')
        // Safety check: the admin retypes the slug, so a stray click cannot delete a club.
        if (org.slug !== confirmSlug) {
          throw new HttpError(
            400,
            'CONFIRMATION_MISMATCH',
            'Type the organization slug to confirm deletion.',
          )
        }
        await tx`delete from public.organizations where id = ${id}`
      })
      await invalidate(keys.org(id, 'org'))
      return noContent()
    },
  },
  {
    method: 'GET',
    pattern: '/users',
    handler: ({ url, user }) =>
      searchPage(
        url,
        user,
        ['admin'],
        (tx, q, offset) => tx`
          select p.id, p.username, p.name, p.platform_role::text as platform_role, p.created_at,
                 (select count(*)::int from public.org_members m where m.user_id = p.id) as org_count
          from public.profiles p
          where (${likeOf(q.q)}::text is null or p.username ilike ${likeOf(q.q)} or p.name ilike ${likeOf(q.q)})
            and (${q.status ?? null}::text is null or p.platform_role::text = ${q.status ?? null})
          order by p.created_at desc limit ${PAGE} offset ${offset}`,
      ),
  },
  {
    method: 'PATCH',
    pattern: '/users/:userId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.userId)
      const { platformRole } = await parseBody(req, SetRole)
      if (id === user.id)
        throw new HttpError(403, 'CANNOT_CHANGE_OWN_ROLE', 'You cannot change your own role.')
      const [row] = await asUser(user, async (tx) => {
        await requirePlatformRole(tx, ['admin'])
        return await tx`update public.profiles set platform_role = ${platformRole}::public.platform_role
                        where id = ${id} returning id, username, platform_role::text as platform_role`
      })
      if (!row) throw notFound('User not found.')
      await invalidate(keys.user(id, 'me'))
      return json({ user: row })
    },
  },
  {
    method: 'GET',
    pattern: '/narrations',
    handler: ({ url, user }) =>
      searchPage(
        url,
        user,
        ['admin', 'moderator'],
        (tx, q, offset) => tx`
          select n.id, n.org_id, n.media_asset_id, n.author_id, p.username,
                 coalesce(nullif(n.clean_transcript, ''), n.raw_transcript) as text, n.created_at
          from public.narrations n left join public.profiles p on p.id = n.author_id
          where (${likeOf(q.q)}::text is null or n.raw_transcript ilike ${likeOf(q.q)})
          order by n.created_at desc limit ${PAGE} offset ${offset}`,
      ),
  },
  {
    method: 'DELETE',
    pattern: '/narrations/:narrationId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.narrationId)
      const deleted = await asUser(user, async (tx) => {
        await requirePlatformRole(tx, ['admin', 'moderator'])
        return await tx`delete from public.narrations where id = ${id} returning id`
      })
      if (deleted.length === 0) throw notFound('Narration not found.')
      return noContent()
    },
  },
  {
    method: 'GET',
    pattern: '/media',
    handler: ({ url, user }) =>
      searchPage(
        url,
        user,
        ['admin'],
        (tx, q, offset) => tx`
          select a.id, a.org_id, a.name, a.kind::text as kind, a.status::text as status, a.progress,
                 a.size_bytes::float8 as size_bytes, a.error_code, a.error_message, a.created_at
          from public.media_assets a
          where (${q.status ?? null}::text is null or a.status::text = ${q.status ?? null})
            and (${likeOf(q.q)}::text is null or a.name ilike ${likeOf(q.q)})
          order by a.created_at desc limit ${PAGE} offset ${offset}`,
      ),
  },
  {
    method: 'GET',
    pattern: '/jobs',
    handler: ({ url, user }) =>
      searchPage(
        url,
        user,
        ['admin'],
        (tx, q, offset) => tx`
          select j.id, j.org_id, j.media_asset_id, j.type::text as type, j.state::text as state, j.progress,
                 j.attempt, j.max_attempts, j.lease_owner, j.error_code, j.error_message, j.created_at, j.finished_at
          from public.jobs j
          where (${q.status ?? null}::text is null or j.state::text = ${q.status ?? null})
          order by j.created_at desc limit ${PAGE} offset ${offset}`,
      ),
  },
  {
    method: 'GET',
    pattern: '/devices',
    handler: async ({ user }) => {
      const items = await readAsUser(user, async (tx) => {
        await requirePlatformRole(tx, ['admin'])
        // Online / degraded / offline after 60 s without a heartbeat (TX-7), computed at read time.
        return await tx`
          select d.id, d.hostname, d.kind, d.gpu_name, d.encoder, d.current_job_id, d.version, d.last_heartbeat_at,
                 private.device_status(d.status, d.last_heartbeat_at)::text as status
          from public.compute_devices d order by d.last_heartbeat_at desc`
      })
      return json({ items })
    },
  },
  {
    method: 'GET',
    pattern: '/org-requests',
    handler: ({ url, user }) =>
      searchPage(
        url,
        user,
        ['admin'],
        (tx, q, offset) => tx`
          select r.id, r.name, r.type::text as type, r.message, r.status::text as status, r.review_notes,
                 r.created_at, r.reviewed_at, r.org_id, p.username as requested_by
          from public.org_requests r left join public.profiles p on p.id = r.requested_by
          where r.status::text = coalesce(${q.status ?? null}, 'pending')
          order by r.created_at limit ${PAGE} offset ${offset}`,
      ),
  },
  {
    method: 'POST',
    pattern: '/org-requests/:requestId/approve',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.requestId)
      const { slug } = await parseBody(req, Approve)
      const org = await asUser(user, async (tx) => {
        const [row] =
          await tx`select id, slug, name, created_by from private.approve_org_request(${id}, ${slug ?? null})`
        return row!
      })
      if (org.created_by) await invalidate(keys.user(org.created_by as string, 'me'))
      return json({ org })
    },
  },
  {
    method: 'POST',
    pattern: '/org-requests/:requestId/reject',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.requestId)
      const { notes } = await parseBody(req, Reject)
      const [request] = await asUser(
        user,
        (tx) =>
          tx`select id, status::text as status, review_notes from private.reject_org_request(${id}, ${notes})`,
      )
      return json({ request })
    },
  },
  {
    method: 'POST',
    pattern: '/storage-cleanup',
    // The hourly schedule (rugbycodex-storage-cleanup) calls it with the secret key.
    auth: ['secret', 'user'],
    handler: async (ctx) => {
      const actor = await requireServiceOrPlatformAdmin(ctx)
      // Retries prefixes whose deletion failed when their asset was deleted.
      const pending = await asService(
        'list-pending-storage-cleanup',
        (tx) => tx<{ id: number; prefix: string }[]>`
          select id, prefix from public.storage_cleanup_queue where processed_at is null order by created_at limit 50`,
        actor,
      )
      let done = 0
      for (const item of pending) {
        try {
          await deletePrefix(item.prefix)
          await asService(
            'mark-storage-cleanup-done',
            (tx) => tx`
            update public.storage_cleanup_queue set processed_at = now() where id = ${item.id}`,
          )
          done++
        } catch (err) {
          await asService(
            'record-storage-cleanup-failure',
            (tx) => tx`
            update public.storage_cleanup_queue set attempts = attempts + 1, last_error = ${String(err).slice(0, 300)}
            where id = ${item.id}`,
          )
        }
      }
      return json({ processed: done, pending: pending.length - done })
    },
  },
  {
    // NARR-4: embed narrations whose embedding is missing or from another model, in batches.
    method: 'POST',
    pattern: '/narrations/embeddings/backfill',
    handler: async ({ req, user }) => {
      await readAsUser(user, (tx) => requirePlatformRole(tx, ['admin']))
      const input = await parseBody(req, Backfill)
      return json(await backfillEmbeddings(user.id, input))
    },
  },
]
