// Library management (MEDIA-3): edit, delete with every stored object, and the live change feed
// the processing list long-polls (works the same on Supabase and locally: plain HTTP).
import type { MediaKind } from '../../../contracts/enums.ts'
import { assetKeys } from '../../../contracts/keys.ts'
import type { ChangeCursor, ChangesPage, MediaAsset } from '../../../contracts/responses.ts'
import type { AuthUser } from '../_shared/auth.ts'
import { asService, asUser, readAsUser } from '../_shared/db.ts'
import { notFound } from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import * as storage from '../_shared/storage.ts'
import { ASSET_COLUMNS, type AssetRow, toAsset } from './serialize.ts'

export async function updateAsset(
  user: AuthUser,
  assetId: string,
  patch: { name?: string; kind?: MediaKind },
): Promise<MediaAsset> {
  const row = await asUser(user, async (tx) => {
    const [found] = await tx<{ org_id: string }[]>`
      select org_id from public.media_assets where id = ${assetId}`
    if (!found) return undefined
    await requireOrgRole(tx, found.org_id, 'staff')
    const [updated] = await tx.unsafe<AssetRow[]>(
      `update public.media_assets a set name = coalesce($2, a.name),
              kind = coalesce($3::public.media_kind, a.kind)
       where a.id = $1 returning ${ASSET_COLUMNS}`,
      [assetId, patch.name ?? null, patch.kind ?? null],
    )
    return updated
  })
  if (!row) throw notFound('Video not found.')
  return toAsset(row)
}

/**
 * Deletes the stored objects under the asset's prefix and marks the cleanup-queue entry the
 * delete trigger wrote as done. If storage fails, the entry stays queued for a later sweep.
 */
export async function purgeAssetStorage(orgId: string, assetId: string): Promise<void> {
  await storage.deletePrefix(assetKeys(orgId, assetId).prefix)
  await asService(
    'mark-storage-cleanup-done',
    (tx) => tx`update public.storage_cleanup_queue set processed_at = now()
               where media_asset_id = ${assetId} and processed_at is null`,
  )
}

export async function deleteAsset(user: AuthUser, assetId: string): Promise<string> {
  const row = await asUser(user, async (tx) => {
    const [found] = await tx<
      { org_id: string; original_key: string; upload_id: string | null; status: string }[]
    >`
      select org_id, original_key, upload_id, status::text as status
      from public.media_assets where id = ${assetId}`
    if (!found) return undefined
    await requireOrgRole(tx, found.org_id, 'staff')
    // Deleting the row releases its quota and queues the prefix for cleanup (triggers).
    await tx`delete from public.media_assets where id = ${assetId}`
    return found
  })
  if (!row) throw notFound('Video not found.')
  if (row.status === 'uploading' && row.upload_id) {
    await storage.abortMultipartUpload(row.original_key, row.upload_id)
  }
  await purgeAssetStorage(row.org_id, assetId)
  return row.org_id
}

export interface ChangesQuery {
  orgId: string
  since?: ChangeCursor
  timeoutSeconds: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Assets of the org changed after `since`, waiting up to `timeoutSeconds` for the first change.
 * The cursor is the newest `updatedAt` of the page, which is already the database's microsecond
 * text (serialize.ts): a millisecond cursor would sit below the row it came from, so that row
 * would come back on every poll, forever. The SPA starts from its list's newest `updatedAt`, the
 * same kind of value. A page never splits rows sharing one updated_at (one transaction's
 * writes), because the next `>` would skip the rest of them. `$2` is bound as text: bound as
 * timestamptz, postgres.js would serialize it through a JS Date and drop the microseconds again.
 */
export async function mediaChanges(
  user: AuthUser,
  query: ChangesQuery,
  signal?: AbortSignal,
): Promise<ChangesPage<MediaAsset>> {
  await readAsUser(user, (tx) => requireOrgRole(tx, query.orgId, 'member'))
  const since = query.since ?? '1970-01-01T00:00:00.000000Z'
  const deadline = Date.now() + query.timeoutSeconds * 1000
  for (;;) {
    const rows = await readAsUser(user, (tx) =>
      tx.unsafe<AssetRow[]>(
        `with page_end as (
           select max(p.updated_at) as last from (
             select a.updated_at from public.media_assets a
              where a.org_id = $1 and a.updated_at > $2::text::timestamptz
              order by a.updated_at asc limit 100) p)
         select ${ASSET_COLUMNS}
           from public.media_assets a, page_end
          where a.org_id = $1 and a.updated_at > $2::text::timestamptz and a.updated_at <= page_end.last
          order by a.updated_at asc, a.id asc`,
        [query.orgId, since],
      ),
    )
    if (rows.length > 0 || Date.now() >= deadline || signal?.aborted) {
      const cursor = rows.length > 0 ? rows[rows.length - 1]!.updated_at : since
      return { items: rows.map(toAsset), cursor, timedOut: rows.length === 0 }
    }
    await sleep(Math.min(1000, Math.max(0, deadline - Date.now())))
  }
}
