// Presigned multipart uploads (MEDIA-1) and completion (MEDIA-2). Storage is the truth about
// which parts exist; the database row carries the declared size, the reservation and the state.
import type { AuthUser } from '../_shared/auth.ts'
import { asUser, readAsUser, type Tx } from '../_shared/db.ts'
import { HttpError, notFound } from '../_shared/http.ts'
import { uuidv7 } from '../_shared/ids.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import { dispatchJob } from '../_shared/queue.ts'
import * as storage from '../_shared/storage.ts'
import { purgeAssetStorage } from './manage.ts'
import {
  ASSET_COLUMNS,
  type AssetRow,
  JOB_COLUMNS,
  type JobRow,
  toAsset,
  toJob,
} from './serialize.ts'
import {
  assetPrefix,
  defaultName,
  missingParts,
  originalKey,
  PART_SIZE,
  PART_URL_BATCH,
  partCount,
  partLength,
  partsOutOfRange,
} from './upload-plan.ts'

export interface CreateUploadInput {
  orgId: string
  fileName: string
  sizeBytes: number
  contentType: string
  name?: string
  kind?: 'match' | 'opposition' | 'training' | 'clinic'
}

/** Presigned URLs for `numbers` (at most one batch), each pinned to its part's exact length. */
async function presignParts(key: string, uploadId: string, sizeBytes: number, numbers: number[]) {
  return await Promise.all(
    numbers.slice(0, PART_URL_BATCH).map(async (partNumber) => ({
      partNumber,
      url: await storage.presignUploadPart(
        key,
        uploadId,
        partNumber,
        partLength(sizeBytes, partNumber),
      ),
    })),
  )
}

const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1)

export async function createUpload(user: AuthUser, input: CreateUploadInput) {
  const assetId = uuidv7()
  const key = originalKey(input.orgId, assetId, input.fileName)
  let uploadId: string | undefined
  try {
    const row = await asUser(user, async (tx) => {
      await requireOrgRole(tx, input.orgId, 'staff')
      // The insert trigger reserves the declared size against the org quota atomically.
      await tx`
        insert into public.media_assets
          (id, org_id, uploaded_by, name, kind, status, file_name, content_type, size_bytes,
           storage_prefix, original_key)
        values (${assetId}, ${input.orgId}, ${user.id}, ${input.name ?? defaultName(input.fileName)},
                ${input.kind ?? 'match'}::public.media_kind, 'uploading', ${input.fileName},
                ${input.contentType}, ${input.sizeBytes}, ${assetPrefix(input.orgId, assetId)}, ${key})`
      uploadId = await storage.createMultipartUpload(key, input.contentType)
      const [updated] = await tx.unsafe<AssetRow[]>(
        `update public.media_assets a set upload_id = $2 where a.id = $1 returning ${ASSET_COLUMNS}`,
        [assetId, uploadId],
      )
      return updated!
    })
    const count = partCount(input.sizeBytes)
    // The first batch only; the browser asks for the rest as it goes (POST …/parts).
    const parts = await presignParts(key, uploadId!, input.sizeBytes, range(count))
    return {
      asset: toAsset(row),
      uploadId: uploadId!,
      key,
      partSize: PART_SIZE,
      partCount: count,
      parts,
    }
  } catch (err) {
    // The row rolled back with the reservation; the multipart upload must not linger either.
    if (uploadId) await storage.abortMultipartUpload(key, uploadId).catch(() => {})
    throw mapQuotaError(err)
  }
}

function mapQuotaError(err: unknown): unknown {
  const pg = err as { code?: string; message?: string }
  if (pg?.code === '54000' || pg?.message === 'QUOTA_EXCEEDED') {
    return new HttpError(
      413,
      'QUOTA_EXCEEDED',
      "This upload would exceed the organization's storage quota. Delete old videos or ask for more space.",
    )
  }
  return err
}

async function loadAsset(tx: Tx, assetId: string): Promise<AssetRow | undefined> {
  const [row] = await tx.unsafe<AssetRow[]>(
    `select ${ASSET_COLUMNS} from public.media_assets a where a.id = $1`,
    [assetId],
  )
  return row
}

/** The asset for an upload action: visible to the caller and the caller is staff+ of its org. */
async function uploadAssetFor(tx: Tx, assetId: string): Promise<AssetRow> {
  const row = await loadAsset(tx, assetId)
  if (!row) throw notFound('Upload not found.')
  await requireOrgRole(tx, row.org_id, 'staff')
  return row
}

export async function resumeUpload(user: AuthUser, assetId: string) {
  // Read from the primary: resume right after create must see the new row.
  const row = await asUser(user, (tx) => uploadAssetFor(tx, assetId))
  if (row.status !== 'uploading' || !row.upload_id) {
    throw new HttpError(409, 'UPLOAD_NOT_IN_PROGRESS', 'This upload has already been completed.')
  }
  let stored: storage.StoredPart[] | undefined
  try {
    stored = await storage.listParts(row.original_key, row.upload_id)
  } catch (err) {
    if (!(err instanceof storage.StorageUnsupported)) throw err
    // The server cannot say which parts exist: offer every part again (correct, just slower).
    stored = []
  }
  if (!stored) {
    throw new HttpError(410, 'UPLOAD_EXPIRED', 'This upload expired. Start it again.')
  }
  const size = Number(row.size_bytes)
  const count = partCount(size)
  const parts = await presignParts(
    row.original_key,
    row.upload_id,
    size,
    missingParts(
      count,
      stored.map((p) => p.partNumber),
    ),
  )
  return {
    asset: toAsset(row),
    uploadId: row.upload_id,
    partSize: PART_SIZE,
    partCount: count,
    uploadedParts: stored,
    parts,
  }
}

/**
 * More part URLs for an upload in progress: only parts of this upload (1..its part count), at
 * most one batch per call, for staff of its org. Parts already stored may be asked for again (a
 * re-sent part replaces the stored one, as on S3).
 */
export async function presignMoreParts(user: AuthUser, assetId: string, partNumbers: number[]) {
  const row = await asUser(user, (tx) => uploadAssetFor(tx, assetId))
  if (row.status !== 'uploading' || !row.upload_id) {
    throw new HttpError(409, 'UPLOAD_NOT_IN_PROGRESS', 'This upload has already been completed.')
  }
  const size = Number(row.size_bytes)
  const count = partCount(size)
  const outside = partsOutOfRange(count, partNumbers)
  if (outside.length > 0) {
    throw new HttpError(400, 'VALIDATION_FAILED', `This upload has parts 1 to ${count}.`, {
      fieldErrors: { partNumbers: [`parts ${outside.slice(0, 10).join(', ')} do not exist`] },
      formErrors: [],
    })
  }
  const unique = [...new Set(partNumbers)].sort((a, b) => a - b)
  return { parts: await presignParts(row.original_key, row.upload_id, size, unique) }
}

async function jobFor(tx: Tx, assetId: string): Promise<JobRow | undefined> {
  const [job] = await tx.unsafe<JobRow[]>(
    `select ${JOB_COLUMNS} from public.jobs j where j.idempotency_key = $1`,
    [`transcode:${assetId}`],
  )
  return job
}

async function discardUpload(user: AuthUser, row: AssetRow): Promise<void> {
  if (row.upload_id) await storage.abortMultipartUpload(row.original_key, row.upload_id)
  // Deleting the row releases the reservation and queues the prefix for cleanup (triggers).
  await asUser(user, (tx) => tx`delete from public.media_assets where id = ${row.id}`)
  await purgeAssetStorage(row.org_id, row.id)
}

export interface ClientPart {
  partNumber: number
  etag: string
}

/** Storage's part list, or, where storage cannot list parts, the client's (sizes unknown). */
async function partsForCompletion(
  row: AssetRow,
  clientParts: ClientPart[] | undefined,
): Promise<{ parts: storage.StoredPart[]; sizesKnown: boolean } | undefined> {
  if (!row.upload_id) return undefined
  try {
    const stored = await storage.listParts(row.original_key, row.upload_id)
    return stored ? { parts: stored, sizesKnown: true } : undefined
  } catch (err) {
    if (!(err instanceof storage.StorageUnsupported)) throw err
    const parts = (clientParts ?? []).map((p) => ({
      partNumber: p.partNumber,
      etag: p.etag,
      size: 0,
    }))
    return { parts: parts.sort((a, b) => a.partNumber - b.partNumber), sizesKnown: false }
  }
}

export async function completeUpload(user: AuthUser, assetId: string, clientParts?: ClientPart[]) {
  const row = await asUser(user, (tx) => uploadAssetFor(tx, assetId))
  if (row.status !== 'uploading') {
    // Already completed: answer with the same job (and re-dispatch while it still waits, in case
    // the first dispatch was lost; the worker's claim is idempotent).
    const job = await readAsUser(user, (tx) => jobFor(tx, assetId))
    if (!job) throw new HttpError(409, 'UPLOAD_NOT_IN_PROGRESS', 'This upload is not in progress.')
    if (job.state === 'queued') await dispatchJob({ id: job.id, type: job.type })
    return { asset: toAsset(row), job: toJob(job) }
  }
  const declared = Number(row.size_bytes)
  const listed = await partsForCompletion(row, clientParts)
  if (listed) {
    const stored = listed.parts
    const missing = missingParts(
      partCount(declared),
      stored.map((p) => p.partNumber),
    )
    if (missing.length > 0) {
      throw new HttpError(
        400,
        'UPLOAD_INCOMPLETE',
        'Some parts of the file have not been uploaded yet.',
        {
          missingParts: missing.slice(0, 100),
        },
      )
    }
    const total = stored.reduce((sum, p) => sum + p.size, 0)
    if (listed.sizesKnown && total !== declared) return await sizeMismatch(user, row, total)
    try {
      await storage.completeMultipartUpload(row.original_key, row.upload_id!, stored)
    } catch (err) {
      // A concurrent complete may have finished it first; the HEAD below decides.
      if (!(await storage.headObject(row.original_key))) throw err
    }
  }
  const head = await storage.headObject(row.original_key)
  if (!head) {
    throw new HttpError(
      400,
      'UPLOAD_INCOMPLETE',
      'No uploaded file was found. Start the upload again.',
    )
  }
  if (head.size !== declared) return await sizeMismatch(user, row, head.size)

  const result = await asUser(user, async (tx) => {
    await tx`
      insert into public.jobs (org_id, media_asset_id, type, payload, idempotency_key, created_by)
      values (${row.org_id}, ${row.id}, 'transcode',
              ${tx.json({ assetId: row.id, originalKey: row.original_key })},
              ${`transcode:${row.id}`}, ${user.id})
      on conflict (idempotency_key) do nothing`
    const [updated] = await tx.unsafe<AssetRow[]>(
      `update public.media_assets a set status = 'uploaded', progress = 0, processing_stage = 'queued'
       where a.id = $1 and a.status = 'uploading' returning ${ASSET_COLUMNS}`,
      [row.id],
    )
    const job = await jobFor(tx, row.id)
    return { asset: updated ?? (await loadAsset(tx, row.id))!, job: job! }
  })
  if (result.job.state === 'queued') {
    await dispatchJob({ id: result.job.id, type: result.job.type })
  }
  return { asset: toAsset(result.asset), job: toJob(result.job) }
}

async function sizeMismatch(user: AuthUser, row: AssetRow, actual: number): Promise<never> {
  await discardUpload(user, row)
  throw new HttpError(
    400,
    'UPLOAD_SIZE_MISMATCH',
    'The uploaded file does not match the size that was announced. Upload it again.',
    { declaredBytes: Number(row.size_bytes), storedBytes: actual },
  )
}

export async function abortUpload(user: AuthUser, assetId: string): Promise<void> {
  const row = await asUser(user, (tx) => uploadAssetFor(tx, assetId))
  if (row.status !== 'uploading') {
    throw new HttpError(409, 'UPLOAD_NOT_IN_PROGRESS', 'This upload has already been completed.')
  }
  await discardUpload(user, row)
}
