// Pure upload planning: part size, part count, keys. Tested without storage.
export const PART_SIZE = 10 * 1024 * 1024
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024 * 1024

export function partCount(sizeBytes: number, partSize = PART_SIZE): number {
  return Math.max(1, Math.ceil(sizeBytes / partSize))
}

/** A safe lowercase extension from the file name (`.mp4`), or '' when there is none. */
export function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(fileName.trim())
  return match ? `.${match[1]!.toLowerCase()}` : ''
}

export function assetPrefix(orgId: string, assetId: string): string {
  return `orgs/${orgId}/media/${assetId}/`
}

export function originalKey(orgId: string, assetId: string, fileName: string): string {
  return `${assetPrefix(orgId, assetId)}original/source${extensionOf(fileName)}`
}

/** Part numbers in 1..count that storage does not hold yet. */
export function missingParts(count: number, stored: Iterable<number>): number[] {
  const have = new Set(stored)
  const missing: number[] = []
  for (let n = 1; n <= count; n++) if (!have.has(n)) missing.push(n)
  return missing
}

/** The display name when none is given: the file name without its extension. */
export function defaultName(fileName: string): string {
  const base = fileName
    .trim()
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .trim()
  return (base || fileName.trim() || 'Untitled').slice(0, 200)
}
