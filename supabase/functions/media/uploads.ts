// Presigned multipart uploads (MEDIA-1) and completion (MEDIA-2). Storage is the truth about
// which parts exist; the database row carries the declared size, the reservation and the state,
// and only private.complete_upload moves that state. No storage call runs inside a transaction.
import type { MediaKind } from '../../../contracts/enums.ts'
import { assetKeys } from '../../../contracts/keys.ts'
import type {
  CompleteUploadResponse,
  CreateUploadResponse,
  MorePartsResponse,
  UploadPartUrl,
  UploadStateResponse,
} from '../../../contracts/responses.ts'
import type { AuthUser } from '../_shared/auth.ts'
import { asUser, type Tx } from '../_shared/db.ts'
import { HttpError, notFound } from '../_shared/http.ts'
import { uuidv7 } from '../_shared/ids.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import { dispatchJob } from '../_shared/queue.ts'
import * as storage from '../_shared/storage.ts'
import { purgeAssetStorage } from './manage.ts'
import {
  ASSET_COLUMNS,
  assetById,
  type AssetRow,
  JOB_COLUMNS,
  type JobFields,
  toAsset,
  toJob,
} from './serialize.ts'
import {
  defaultName,
  missingParts,
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
  kind?: MediaKind
}

/** Presigned URLs for `numbers` (at most one batch), each pinned to its part's exact length. */
async function presignParts(
  key: string,
  uploadId: string,
  sizeBytes: number,
  numbers: number[],
): Promise<UploadPartUrl[]> {
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

/**
 * Storage first, then one insert: the row is written once and whole (upload id included), and no
 * storage call waits inside the transaction that holds the org's quota row. Whatever refuses the
 * insert (role, quota, a missing org), the multipart upload is aborted, so nothing is orphaned.
 */
export async function createUpload(
  user: AuthUser,
  input: CreateUploadInput,
): Promise<CreateUploadResponse> {
  const assetId = uuidv7()
  const keys = assetKeys(input.orgId, assetId)
  const key = keys.original(input.fileName)
  const uploadId = await storage.createMultipartUpload(key, input.contentType)
  let row: AssetRow
  try {
    row = await asUser(user, async (tx) => {
      await requireOrgRole(tx, input.orgId, 'staff')
      // The insert trigger reserves the declared size against the org quota atomically; the
      // status is the column default, `uploading`.
      const [inserted] = await tx.unsafe<AssetRow[]>(
        `insert into public.media_assets as a
           (id, org_id, uploaded_by, name, kind, file_name, content_type, size_bytes,
            storage_prefix, original_key, upload_id)
         values ($1, $2, $3, $4, $5::public.media_kind, $6, $7, $8, $9, $10, $11)
         returning ${ASSET_COLUMNS}`,
        [
          assetId,
          input.orgId,
          user.id,
          input.name ?? defaultName(input.fileName),
          input.kind ?? 'match',
          input.fileName,
          input.contentType,
          input.sizeBytes,
          keys.prefix,
          key,
          uploadId,
        ],
      )
      return inserted!
    })
  } catch (err) {
    await storage.abortMultipartUpload(key, uploadId).catch(() => {})
    throw mapQuotaError(err)
  }
  const count = partCount(input.sizeBytes)
  // The first batch only; the browser asks for the rest as it goes (POST …/parts).
  const parts = await presignParts(key, uploadId, input.sizeBytes, range(count))
  return { asset: toAsset(row), uploadId, key, partSize: PART_SIZE, partCount: count, parts }
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

/** The asset for an upload action: visible to the caller and the caller is staff+ of its org. */
async function uploadAssetFor(tx: Tx, assetId: string): Promise<AssetRow> {
  const row = await assetById(tx, assetId)
  if (!row) throw notFound('Upload not found.')
  await requireOrgRole(tx, row.org_id, 'staff')
  return row
}

/** The asset of an upload still in progress (its multipart upload id known), for staff. */
async function uploadInProgress(user: AuthUser, assetId: string) {
  // Read from the primary: resume right after create must see the new row.
  const row = await asUser(user, (tx) => uploadAssetFor(tx, assetId))
  if (row.status !== 'uploading' || !row.upload_id) {
    throw new HttpError(409, 'UPLOAD_NOT_IN_PROGRESS', 'This upload has already been completed.')
  }
  return { row, uploadId: row.upload_id, size: Number(row.size_bytes) }
}

export async function resumeUpload(user: AuthUser, assetId: string): Promise<UploadStateResponse> {
  const { row, uploadId, size } = await uploadInProgress(user, assetId)
  let stored: storage.StoredPart[] | undefined
  try {
    stored = await storage.listParts(row.original_key, uploadId)
  } catch (err) {
    if (!(err instanceof storage.StorageUnsupported)) throw err
    // The server cannot say which parts exist: offer every part again (correct, just slower).
    stored = []
  }
  if (!stored) {
    throw new HttpError(410, 'UPLOAD_EXPIRED', 'This upload expired. Start it again.')
  }
  const count = partCount(size)
  const missing = missingParts(
    count,
    stored.map((p) => p.partNumber),
  )
  return {
    asset: toAsset(row),
    uploadId,
    partSize: PART_SIZE,
    partCount: count,
    uploadedParts: stored,
    parts: await presignParts(row.original_key, uploadId, size, missing),
  }
}

/**
 * More part URLs for an upload in progress: only parts of this upload (1..its part count), at
 * most one batch per call, for staff of its org. Parts already stored may be asked for again (a
 * re-sent part replaces the stored one, as on S3).
 */
export async function presignMoreParts(
  user: AuthUser,
  assetId: string,
  partNumbers: number[],
): Promise<MorePartsResponse> {
  const { row, uploadId, size } = await uploadInProgress(user, assetId)
  const count = partCount(size)
  const outside = partsOutOfRange(count, partNumbers)
  if (outside.length > 0) {
    throw new HttpError(400, 'VALIDATION_FAILED', `This upload has parts 1 to ${count}.`, {
      fieldErrors: { partNumbers: [`parts ${outside.slice(0, 10).join(', ')} do not exist`] },
      formErrors: [],
    })
  }
  const unique = [...new Set(partNumbers)].sort((a, b) => a - b)
  return { parts: await presignParts(row.original_key, uploadId, size, unique) }
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

/**
 * Completion: one read to learn where the bytes are, the storage side (complete the multipart
 * upload, one HEAD for the size), then one private.complete_upload() call that turns the asset
 * `uploaded` and queues its transcode job. Idempotent: every call answers with the same job, and
 * one made after completion skips storage (and dispatches again while the job still waits, in
 * case the first dispatch was lost; the worker's claim is idempotent).
 */
export async function completeUpload(
  user: AuthUser,
  assetId: string,
  clientParts?: ClientPart[],
): Promise<CompleteUploadResponse> {
  const row = await asUser(user, (tx) => uploadAssetFor(tx, assetId))
  if (row.status === 'uploading') await storeUpload(user, row, clientParts)
  const { asset, job } = await asUser(user, async (tx) => {
    const [queued] = await tx.unsafe<JobFields[]>(
      `select ${JOB_COLUMNS} from private.complete_upload($1) j`,
      [row.id],
    )
    return { asset: (await assetById(tx, row.id))!, job: queued! }
  }).catch((err: unknown) => {
    throw completionRefused(err)
  })
  if (job.state === 'queued') await dispatchJob(job)
  return { asset: toAsset(asset), job: toJob(job) }
}

function completionRefused(err: unknown): unknown {
  const pg = err as { code?: string }
  if (pg?.code === 'P0002') return notFound('Upload not found.')
  if (pg?.code === '55000') {
    return new HttpError(409, 'UPLOAD_NOT_IN_PROGRESS', 'This upload is not in progress.')
  }
  return err
}

/** Completes the multipart upload and holds what storage then has to the declared size. */
async function storeUpload(user: AuthUser, row: AssetRow, clientParts?: ClientPart[]) {
  const declared = Number(row.size_bytes)
  const listed = await partsForCompletion(row, clientParts)
  let completion: unknown
  if (listed) {
    const missing = missingParts(
      partCount(declared),
      listed.parts.map((p) => p.partNumber),
    )
    if (missing.length > 0) {
      throw new HttpError(
        400,
        'UPLOAD_INCOMPLETE',
        'Some parts of the file have not been uploaded yet.',
        { missingParts: missing.slice(0, 100) },
      )
    }
    const total = listed.parts.reduce((sum, p) => sum + p.size, 0)
    if (listed.sizesKnown && total !== declared) return await sizeMismatch(user, row, total)
    try {
      await storage.completeMultipartUpload(row.original_key, row.upload_id!, listed.parts)
    } catch (err) {
      // A concurrent complete may have finished it first: the HEAD decides.
      completion = err
    }
  }
  const head = await storage.headObject(row.original_key)
  if (!head) {
    if (completion) throw completion
    throw new HttpError(
      400,
      'UPLOAD_INCOMPLETE',
      'No uploaded file was found. Start the upload again.',
    )
  }
  if (head.size !== declared) await sizeMismatch(user, row, head.size)
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
