/**
 * MEDIA-1 / B-2: what the browser remembers about an unfinished upload so that, after a reload or a
 * closed tab, re-attaching the same file continues from the parts storage already holds. A File
 * cannot be persisted, so the file is recognised by name + size + lastModified.
 */
export interface ResumeRecord {
  assetId: string
  orgId: string
  fileName: string
  size: number
  lastModified: number
  name: string
  savedAt: number
}

export interface FileIdentity {
  name: string
  size: number
  lastModified: number
}

const KEY = 'rc.uploads.v1'

export class ResumeStore {
  constructor(private readonly storage: Storage | undefined = globalThis.localStorage) {}

  list(orgId?: string): ResumeRecord[] {
    const all = this.read()
    return orgId ? all.filter((r) => r.orgId === orgId) : all
  }

  find(orgId: string, file: FileIdentity): ResumeRecord | undefined {
    return this.read().find(
      (r) =>
        r.orgId === orgId &&
        r.fileName === file.name &&
        r.size === file.size &&
        r.lastModified === file.lastModified,
    )
  }

  save(record: ResumeRecord): void {
    const rest = this.read().filter((r) => r.assetId !== record.assetId)
    this.write([...rest, record])
  }

  remove(assetId: string): void {
    this.write(this.read().filter((r) => r.assetId !== assetId))
  }

  private read(): ResumeRecord[] {
    if (!this.storage) return []
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(KEY) ?? '[]')
      return Array.isArray(parsed) ? (parsed as ResumeRecord[]).filter(isRecord) : []
    } catch {
      // A corrupt entry must not break uploading; it only loses the resume hint.
      return []
    }
  }

  private write(records: ResumeRecord[]): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(records))
    } catch {
      // Storage full or disabled (private mode): uploads still work, only resume is lost.
    }
  }
}

function isRecord(r: unknown): r is ResumeRecord {
  const x = r as ResumeRecord
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.assetId === 'string' &&
    typeof x.fileName === 'string' &&
    typeof x.size === 'number' &&
    typeof x.lastModified === 'number'
  )
}
