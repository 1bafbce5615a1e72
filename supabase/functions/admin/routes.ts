// `admin` (ADM-1, ADM-2, ORG-1 decisions, ORG-2): the platform console. Every route requires the
// platform admin role (narration moderation also moderators); RLS's admin policies still apply.
import { z } from 'zod'
import { ORG_TYPES, ORG_VISIBILITIES, PLATFORM_ROLES } from '../../../contracts/enums.ts'
import type { AuthUser } from '../_shared/auth.ts'
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
import {
  requirePlatformRole,
  requireServiceOrPlatformAdmin,
  type PlatformRole,
} from '../_shared/orgs.ts'
import type { Handler, Route } from '../_shared/router.ts'
import { invalidate, keys } from '../_shared/cache.ts'
import { profileIdByUsername } from '../_shared/sql.ts'
import { deletePrefix } from '../_shared/storage.ts'
import { backfillEmbeddings } from './backfill.ts'
import * as store from './store.ts'
import { type ListFilter, PAGE } from './store.ts'

const Search = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.string().max(20).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
})

/** `fn` in the caller's transaction (`asUser` or `readAsUser`), once their platform role is in `roles`. */
function asPlatform<T>(
  run: typeof asUser,
  user: AuthUser,
  roles: PlatformRole[],
  fn: (tx: Tx) => PromiseLike<T>,
): Promise<T> {
  return run(user, async (tx) => {
    await requirePlatformRole(tx, roles)
    return await fn(tx)
  })
}

/** A console list: the caller's platform role checked, then one page of `list` as JSON. */
function searchPage(
  roles: PlatformRole[],
  list: (tx: Tx, filter: ListFilter) => PromiseLike<readonly unknown[]>,
): Handler {
  return async ({ url, user }) => {
    const q = parseQuery(url, Search)
    const items = await asPlatform(readAsUser, user, roles, (tx) =>
      list(tx, { q: q.q, status: q.status, offset: (q.page - 1) * PAGE }),
    )
    return json({ items, page: q.page, pageSize: PAGE })
  }
}

/** NARR-4: how many narrations one backfill call embeds; `orgId` narrows it to one club. */
const Backfill = z
  .object({
    batchSize: z.number().int().min(1).max(200).default(50),
    maxBatches: z.number().int().min(1).max(100).default(20),
    orgId: z.uuid({ message: 'must be a UUID' }).optional(),
  })
  .strict()

const SLUG = /^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/
const Name = z.string().trim().min(2).max(120)
const Bio = z.string().trim().max(2000)
const StorageLimit = z
  .number()
  .int()
  .min(0)
  .max(100 * 1024 ** 4)
  .optional()

const CreateOrg = z
  .object({
    name: Name,
    slug: z.string().regex(SLUG, 'lowercase letters, digits and dashes').optional(),
    ownerUsername: z.string().trim().toLowerCase().min(3).max(24),
    type: z.enum(ORG_TYPES).default('team'),
    visibility: z.enum(ORG_VISIBILITIES).default('private'),
    bio: Bio.optional(),
    storageLimitBytes: StorageLimit,
  })
  .strict()
const UpdateOrg = z
  .object({
    name: Name.optional(),
    slug: z.string().regex(SLUG).optional(),
    type: z.enum(ORG_TYPES).optional(),
    visibility: z.enum(ORG_VISIBILITIES).optional(),
    bio: Bio.nullable().optional(),
    storageLimitBytes: StorageLimit,
  })
  .strict()
const DeleteOrg = z.object({ confirmSlug: z.string().max(100) }).strict()
const SetRole = z.object({ platformRole: z.enum(PLATFORM_ROLES) }).strict()
const Approve = z.object({ slug: z.string().regex(SLUG).optional() }).strict()
const Reject = z.object({ notes: z.string().trim().min(1, 'say why').max(2000) }).strict()

export const adminRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/dashboard',
    handler: async ({ user }) => {
      const result = await asPlatform(readAsUser, user, ['admin'], (tx) => store.dashboard(tx))
      return json(result)
    },
  },
  { method: 'GET', pattern: '/orgs', handler: searchPage(['admin'], store.listOrgs) },
  {
    method: 'POST',
    pattern: '/orgs',
    handler: async ({ req, user }) => {
      const { ownerUsername, ...input } = await parseBody(req, CreateOrg)
      const org = await asPlatform(asUser, user, ['admin'], async (tx) => {
        const ownerId = await profileIdByUsername(tx, ownerUsername)
        if (!ownerId) throw new HttpError(404, 'USER_NOT_FOUND', 'No user has that username.')
        return await store.createOrg(tx, { ...input, ownerId })
      })
      return json({ org }, 201)
    },
  },
  {
    method: 'PATCH',
    pattern: '/orgs/:orgId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.orgId)
      const patch = await parseBody(req, UpdateOrg)
      const org = await asPlatform(asUser, user, ['admin'], (tx) => store.updateOrg(tx, id, patch))
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
      await asPlatform(asUser, user, ['admin'], async (tx) => {
        const slug = await store.orgSlug(tx, id)
        if (slug === undefined) throw notFound('Organization not found.')
        // Safety check: the admin retypes the slug, so a stray click cannot delete a club.
        if (slug !== confirmSlug) {
          throw new HttpError(
            400,
            'CONFIRMATION_MISMATCH',
            'Type the organization slug to confirm deletion.',
          )
        }
        await store.deleteOrg(tx, id)
      })
      await invalidate(keys.org(id, 'org'))
      return noContent()
    },
  },
  { method: 'GET', pattern: '/users', handler: searchPage(['admin'], store.listUsers) },
  {
    method: 'PATCH',
    pattern: '/users/:userId',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.userId)
      const { platformRole } = await parseBody(req, SetRole)
      if (id === user.id)
        throw new HttpError(403, 'CANNOT_CHANGE_OWN_ROLE', 'You cannot change your own role.')
      const row = await asPlatform(asUser, user, ['admin'], (tx) =>
        store.setPlatformRole(tx, id, platformRole),
      )
      if (!row) throw notFound('User not found.')
      await invalidate(keys.user(id, 'me'))
      return json({ user: row })
    },
  },
  {
    method: 'GET',
    pattern: '/narrations',
    handler: searchPage(['admin', 'moderator'], store.listNarrations),
  },
  {
    method: 'DELETE',
    pattern: '/narrations/:narrationId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.narrationId)
      const deleted = await asPlatform(asUser, user, ['admin', 'moderator'], (tx) =>
        store.deleteNarration(tx, id),
      )
      if (!deleted) throw notFound('Narration not found.')
      return noContent()
    },
  },
  { method: 'GET', pattern: '/media', handler: searchPage(['admin'], store.listMedia) },
  { method: 'GET', pattern: '/jobs', handler: searchPage(['admin'], store.listJobs) },
  {
    method: 'GET',
    pattern: '/devices',
    handler: async ({ user }) => {
      const items = await asPlatform(readAsUser, user, ['admin'], (tx) => store.listDevices(tx))
      return json({ items })
    },
  },
  {
    method: 'GET',
    pattern: '/org-requests',
    handler: searchPage(['admin'], store.listOrgRequests),
  },
  {
    method: 'POST',
    pattern: '/org-requests/:requestId/approve',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.requestId)
      const { slug } = await parseBody(req, Approve)
      const org = await asUser(user, (tx) => store.approveOrgRequest(tx, id, slug))
      if (org.created_by) await invalidate(keys.user(org.created_by, 'me'))
      return json({ org })
    },
  },
  {
    method: 'POST',
    pattern: '/org-requests/:requestId/reject',
    handler: async ({ req, params, user }) => {
      const id = uuidParam(params.requestId)
      const { notes } = await parseBody(req, Reject)
      const request = await asUser(user, (tx) => store.rejectOrgRequest(tx, id, notes))
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
      const pending = await store.pendingStorageCleanup(actor)
      let done = 0
      for (const item of pending) {
        try {
          await deletePrefix(item.prefix)
          await store.markStorageCleanupDone(item.id)
          done++
        } catch (err) {
          await store.recordStorageCleanupFailure(item.id, err)
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
