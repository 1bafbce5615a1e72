import { api, apiBlob } from './api'
import {
  clipFileName,
  matchExportFileName,
  waitForClipExport,
  type ClipExportState,
} from '../lib/exports/exports'
import { saveBlob } from '../lib/dom'

/** MEDIA-6: downloads a match's segments, tags and narrations as CSV or JSON. */
export async function downloadMatchExport(
  assetId: string,
  matchName: string,
  format: 'csv' | 'json',
): Promise<void> {
  const blob = await apiBlob(`media/${assetId}/export?format=${format}`)
  saveBlob(blob, matchExportFileName(matchName, format))
}

export const requestClipMp4 = (assetId: string, segmentId: string) =>
  api<ClipExportState>('POST', `media/${assetId}/segments/${segmentId}/mp4`, {})

/**
 * B-4: asks the worker for the clip's MP4, waits until it is stored, then saves it. When the
 * storage host refuses a cross-origin read, the presigned link is opened instead.
 */
export async function downloadClipMp4(input: {
  assetId: string
  segmentId: string
  matchName: string
  startSeconds: number
  endSeconds: number
  onState: (state: ClipExportState) => void
  signal?: AbortSignal
}): Promise<void> {
  const url = await waitForClipExport({
    request: () => requestClipMp4(input.assetId, input.segmentId),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onState: input.onState,
    signal: input.signal,
  })
  const name = clipFileName(input.matchName, input.startSeconds, input.endSeconds)
  let blob: Blob
  try {
    const response = await fetch(url, { signal: input.signal })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    blob = await response.blob()
  } catch {
    window.open(url, '_blank', 'noopener')
    return
  }
  saveBlob(new Blob([blob], { type: 'video/mp4' }), name)
}
