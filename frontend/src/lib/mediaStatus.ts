import type { MediaAsset, MediaStatus } from './types'

/** Statuses after which the server is still working on the asset (TX-5). */
export const PROCESSING: MediaStatus[] = ['uploaded', 'transcoding', 'transcoded']

export function isProcessing(asset: Pick<MediaAsset, 'status'>): boolean {
  return PROCESSING.includes(asset.status)
}

export function percent(progress: number | null | undefined): number {
  if (progress === null || progress === undefined || !Number.isFinite(progress)) return 0
  return Math.round(Math.min(1, Math.max(0, progress)) * 100)
}

/** The status line a coach reads in the library: stage plus percent while it moves. */
export function statusText(
  asset: Pick<MediaAsset, 'status' | 'progress' | 'playable' | 'stage'>,
): string {
  switch (asset.status) {
    case 'uploading':
      return 'Uploading'
    case 'uploaded':
      return 'Waiting to be processed'
    case 'transcoding': {
      const detail =
        asset.stage && asset.stage !== 'transcoding'
          ? asset.stage
          : asset.playable
            ? 'playable'
            : ''
      return `Processing ${percent(asset.progress)}%${detail ? ` · ${detail}` : ''}`
    }
    case 'transcoded':
      return 'Finishing up'
    case 'complete':
      return 'Ready'
    case 'failed':
      return 'Failed'
  }
}

export function statusTone(status: MediaStatus): 'complete' | 'failed' | 'processing' | '' {
  if (status === 'complete') return 'complete'
  if (status === 'failed') return 'failed'
  if (PROCESSING.includes(status)) return 'processing'
  return ''
}

export function failureText(asset: Pick<MediaAsset, 'error'>): string {
  return (
    asset.error?.message ||
    'This video could not be processed. Check that it is a normal video file (MP4, MOV, MKV) and upload it again.'
  )
}

export const KIND_LABELS = {
  match: 'Match',
  opposition: 'Opposition',
  training: 'Training',
  clinic: 'Clinic',
} as const
