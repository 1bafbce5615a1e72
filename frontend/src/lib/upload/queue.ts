import type {
  CreateUploadResponse,
  MediaAsset,
  MediaKind,
  UploadPart,
  UploadStateResponse,
} from '../types'
import { isStopped, newRun, planParts, sendParts, type Plan, type Run } from './parts'
import { ResumeStore } from './resume'
import { AbortedError, PartError } from './xhr'

/**
 * MEDIA-1 upload queue: presigned multipart parts go straight to storage, 4 parts in parallel per
 * file, 3 files at once, more wait in line. Each part retries with backoff. A file re-attached after
 * a reload continues from the parts storage already holds (B-2). The server presigns part URLs a
 * batch at a time (create and resume give the first batch); the queue asks for the next batch
 * when a part has no URL yet, and for a fresh URL when storage refuses an expired one.
 *
 * The queue knows nothing of Vue or HTTP: the backend, the part transport, the clock and the sleep
 * are injected, so the rules are tested without a network.
 */

export interface UploadBackend {
  create(input: {
    orgId: string
    fileName: string
    sizeBytes: number
    contentType: string
    name: string
    kind: MediaKind
  }): Promise<CreateUploadResponse>
  state(assetId: string): Promise<UploadStateResponse>
  /** URLs for these parts (at most `partUrlBatch` numbers). */
  partUrls(assetId: string, partNumbers: number[]): Promise<{ parts: UploadPart[] }>
  complete(
    assetId: string,
    parts: { partNumber: number; etag: string }[] | undefined,
  ): Promise<{ asset: MediaAsset }>
  abort(assetId: string): Promise<void>
}

export type PutPart = (
  url: string,
  body: Blob,
  onProgress: (loadedBytes: number) => void,
  signal: AbortSignal,
) => Promise<string | null>

export type UploadStatus =
  'queued' | 'preparing' | 'uploading' | 'completing' | 'done' | 'failed' | 'cancelled'

export interface UploadItem {
  id: string
  orgId: string
  file: File
  fileName: string
  name: string
  kind: MediaKind
  size: number
  status: UploadStatus
  assetId: string | null
  uploadedBytes: number
  partsTotal: number
  partsDone: number
  speedBps: number
  etaSeconds: number | null
  resumed: boolean
  error: string | null
}

export interface QueueOptions {
  backend: UploadBackend
  putPart: PutPart
  resume?: ResumeStore
  maxUploads?: number
  partConcurrency?: number
  maxPartAttempts?: number
  /** Most part URLs asked for at once (the server's limit). */
  partUrlBatch?: number
  /** Backoff before retry n (1-based). */
  backoffMs?: (attempt: number) => number
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  /** Wraps every new item, e.g. Vue's `reactive`, so the UI sees its changes. */
  wrap?: <T extends object>(item: T) => T
  onFinished?: (item: UploadItem) => void
}

export const UPLOAD_LIMITS = {
  maxUploads: 3,
  partConcurrency: 4,
  maxPartAttempts: 5,
  partUrlBatch: 50,
}

let seq = 0

export class UploadQueue {
  readonly items: UploadItem[]
  private readonly runs = new Map<string, Run>()
  private readonly o: Required<Omit<QueueOptions, 'onFinished' | 'resume'>> &
    Pick<QueueOptions, 'onFinished'> & { resume: ResumeStore }

  constructor(options: QueueOptions) {
    this.o = {
      maxUploads: UPLOAD_LIMITS.maxUploads,
      partConcurrency: UPLOAD_LIMITS.partConcurrency,
      maxPartAttempts: UPLOAD_LIMITS.maxPartAttempts,
      partUrlBatch: UPLOAD_LIMITS.partUrlBatch,
      backoffMs: (n) => Math.min(15000, 1000 * 2 ** (n - 1)) + Math.floor(Math.random() * 250),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: () => Date.now(),
      wrap: (x) => x,
      resume: options.resume ?? new ResumeStore(),
      ...options,
    }
    this.items = this.o.wrap([] as UploadItem[])
  }

  get resumeStore(): ResumeStore {
    return this.o.resume
  }

  get active(): UploadItem[] {
    return this.items.filter((i) => ['preparing', 'uploading', 'completing'].includes(i.status))
  }

  get busy(): boolean {
    return this.items.some((i) =>
      ['queued', 'preparing', 'uploading', 'completing'].includes(i.status),
    )
  }

  add(orgId: string, file: File, meta: { name?: string; kind?: MediaKind } = {}): UploadItem {
    const item = this.o.wrap<UploadItem>({
      id: `u${++seq}`,
      orgId,
      file,
      fileName: file.name,
      name: meta.name?.trim() || stripExtension(file.name),
      kind: meta.kind ?? 'match',
      size: file.size,
      status: 'queued',
      assetId: null,
      uploadedBytes: 0,
      partsTotal: 0,
      partsDone: 0,
      speedBps: 0,
      etaSeconds: null,
      resumed: false,
      error: null,
    })
    this.items.push(item)
    this.pump()
    return this.items[this.items.length - 1] as UploadItem
  }

  /** Starts a failed upload again; parts already stored are kept. */
  retry(id: string): void {
    const item = this.items.find((i) => i.id === id)
    if (!item || item.status !== 'failed') return
    item.status = 'queued'
    item.error = null
    this.pump()
  }

  async cancel(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id)
    if (!item || item.status === 'done' || item.status === 'cancelled') return
    item.status = 'cancelled'
    this.runs.get(id)?.controller.abort()
    if (item.assetId) {
      this.o.resume.remove(item.assetId)
      try {
        await this.o.backend.abort(item.assetId)
      } catch {
        // The server releases abandoned uploads itself; the row just lingers until then.
      }
    }
    this.pump()
  }

  /** Forgets an interrupted upload from an earlier visit whose file the user will not re-attach. */
  async discard(assetId: string): Promise<void> {
    this.o.resume.remove(assetId)
    await this.o.backend.abort(assetId)
  }

  dismiss(id: string): void {
    const index = this.items.findIndex((i) => i.id === id)
    if (index >= 0 && !this.busyItem(this.items[index] as UploadItem)) this.items.splice(index, 1)
  }

  private busyItem(item: UploadItem): boolean {
    return ['preparing', 'uploading', 'completing'].includes(item.status)
  }

  private pump(): void {
    while (this.active.length < this.o.maxUploads) {
      const next = this.items.find((i) => i.status === 'queued')
      if (!next) return
      next.status = 'preparing'
      void this.run(next)
    }
  }

  private async run(item: UploadItem): Promise<void> {
    const run: Run = newRun()
    this.runs.set(item.id, run)
    try {
      const plan = await this.prepare(item)
      if (!plan) return
      if (isStopped(item)) return
      item.status = 'uploading'
      const etags = await sendParts(this.o, item, run, plan)
      if (isStopped(item)) return
      item.status = 'completing'
      const complete = etags.every((p) => p.etag) ? etags : undefined
      await this.o.backend.complete(
        item.assetId as string,
        complete as { partNumber: number; etag: string }[] | undefined,
      )
      this.o.resume.remove(item.assetId as string)
      item.uploadedBytes = item.size
      item.etaSeconds = 0
      item.status = 'done'
      this.o.onFinished?.(item)
    } catch (error) {
      if (isStopped(item) || error instanceof AbortedError) return
      const stage = item.status
      item.status = 'failed'
      item.error =
        stage === 'completing'
          ? `Storage has the whole file, but the server could not start processing it (${describeFailure(error)}). Press Retry — nothing is sent again.`
          : describeFailure(error)
    } finally {
      this.runs.delete(item.id)
      this.pump()
    }
  }

  /** Creates the upload, or resumes the one stored for this very file. */
  private async prepare(item: UploadItem): Promise<Plan | null> {
    const previous = item.assetId
      ? { assetId: item.assetId }
      : this.o.resume.find(item.orgId, item.file)
    if (previous) {
      try {
        const state = await this.o.backend.state(previous.assetId)
        if (state.asset.status !== 'uploading') {
          // Storage already has the whole file and the server took it over.
          this.o.resume.remove(previous.assetId)
          item.assetId = previous.assetId
          item.uploadedBytes = item.size
          item.status = 'done'
          this.o.onFinished?.(item)
          return null
        }
        item.assetId = previous.assetId
        return planParts(item, state.partSize, state.partCount, state.parts, state.uploadedParts)
      } catch (error) {
        if (!isNotFound(error)) throw error
        // The asset was cancelled or cleaned up meanwhile: start over.
        this.o.resume.remove(previous.assetId)
        item.assetId = null
      }
    }
    const created = await this.o.backend.create({
      orgId: item.orgId,
      fileName: item.fileName,
      sizeBytes: item.size,
      contentType: item.file.type || guessContentType(item.fileName),
      name: item.name,
      kind: item.kind,
    })
    item.assetId = created.asset.id
    if (isStopped(item)) {
      await this.o.backend.abort(created.asset.id).catch(() => undefined)
      return null
    }
    this.o.resume.save({
      assetId: created.asset.id,
      orgId: item.orgId,
      fileName: item.fileName,
      size: item.size,
      lastModified: item.file.lastModified,
      name: item.name,
      savedAt: this.o.now(),
    })
    return planParts(item, created.partSize, created.partCount, created.parts, [])
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { status?: number })?.status === 404
}

function describeFailure(error: unknown): string {
  if (error instanceof PartError) {
    return 'The connection to video storage kept failing. Check your internet and press Retry — the parts already sent are kept.'
  }
  const message = (error as { message?: string })?.message
  return message || 'The upload stopped unexpectedly. Press Retry to continue where it stopped.'
}

function stripExtension(fileName: string): string {
  return fileName.replace(/\.[^./]+$/, '') || fileName
}

const CONTENT_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  webm: 'video/webm',
  avi: 'video/x-msvideo',
  mts: 'video/mp2t',
  ts: 'video/mp2t',
}

export function guessContentType(fileName: string): string {
  const ext = fileName.split('.').pop()?.toLowerCase() ?? ''
  return CONTENT_TYPES[ext] ?? 'application/octet-stream'
}
