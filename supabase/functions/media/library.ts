// The media library (MEDIA-3): list with search, kind filter and pagination; one asset.
import type { MediaKind, MediaStatus } from '../../../contracts/enums.ts'
import type { MediaAsset, Page } from '../../../contracts/responses.ts'
import type { AuthUser } from '../_shared/auth.ts'
import { getCached, keys, TTL } from '../_shared/cache.ts'
import { readAsUser } from '../_shared/db.ts'
import { notFound } from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import { likePattern } from '../_shared/sql.ts'
import { ASSET_COLUMNS, type AssetRow, assetById, toAsset } from './serialize.ts'

export interface ListQuery {
  orgId: string
  q?: string
  kind?: MediaKind
  status?: MediaStatus
  page: number
  pageSize: number
}

/**
 * One page of the org's library, cached (TTL.media) under the org's media version: the database
 * bumps it on every statement that writes the org's assets (private.media_versions), whoever
 * writes (this API, the worker, a job function), and it is read in the same snapshot as the page.
 * So a cached page is always exactly the page of its version, no writer has to invalidate
 * anything, and a copy per isolate is as correct as a shared one.
 */
export async function listMedia(user: AuthUser, query: ListQuery): Promise<Page<MediaAsset>> {
  return await readAsUser(user, async (tx) => {
    await requireOrgRole(tx, query.orgId, 'member')
    const [{ version }] = await tx<[{ version: string }]>`
      select private.media_version(${query.orgId}::uuid)::text as version`
    const cacheKey = keys.org(
      query.orgId,
      'media-list',
      version,
      JSON.stringify([
        query.q ?? '',
        query.kind ?? '',
        query.status ?? '',
        query.page,
        query.pageSize,
      ]),
    )
    // Membership was checked above for this caller; the page itself is the same for every member.
    const page = await getCached(
      cacheKey,
      TTL.media,
      async () => {
        const conditions = ['a.org_id = $1']
        const params: unknown[] = [query.orgId]
        if (query.q) {
          params.push(likePattern(query.q))
          conditions.push(`a.name ilike $${params.length}`)
        }
        if (query.kind) {
          params.push(query.kind)
          conditions.push(`a.kind = $${params.length}::public.media_kind`)
        }
        if (query.status) {
          params.push(query.status)
          conditions.push(`a.status = $${params.length}::public.media_status`)
        }
        params.push(query.pageSize, (query.page - 1) * query.pageSize)
        const rows = await tx.unsafe<(AssetRow & { total: number })[]>(
          `select ${ASSET_COLUMNS}, count(*) over ()::int as total
           from public.media_assets a
           where ${conditions.join(' and ')}
           order by a.created_at desc, a.id desc
           limit $${params.length - 1} offset $${params.length}`,
          params as never[],
        )
        let total = rows[0]?.total ?? 0
        if (rows.length === 0 && query.page > 1) {
          const [counted] = await tx.unsafe<{ total: number }[]>(
            `select count(*)::int as total from public.media_assets a where ${conditions.join(' and ')}`,
            params.slice(0, -2) as never[],
          )
          total = counted?.total ?? 0
        }
        return { items: rows.map(toAsset), total, page: query.page, pageSize: query.pageSize }
      },
      { perIsolate: true },
    )
    return page!
  })
}

export async function getAsset(user: AuthUser, assetId: string): Promise<MediaAsset> {
  const row = await readAsUser(user, (tx) => assetById(tx, assetId))
  if (!row) throw notFound('Video not found.')
  return toAsset(row)
}
