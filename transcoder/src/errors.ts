// Error codes the SPA can explain. The message is written for a coach, not for an engineer: it
// says what went wrong with their file and what to do next.
export const mediaErrorCodes = [
  'INVALID_MEDIA',
  'UNSUPPORTED_CONTAINER',
  'UNSUPPORTED_CODEC',
  'NO_VIDEO_STREAM',
  'TOO_LONG',
  'RESOLUTION_TOO_HIGH',
  'FRAME_RATE_TOO_HIGH',
  'TRANSCODE_FAILED',
  'TIMEOUT',
  'SOURCE_MISSING',
  'STORAGE_ERROR',
  'INTERNAL_ERROR',
] as const
export type MediaErrorCode = (typeof mediaErrorCodes)[number]

const humanMessages: Record<MediaErrorCode, string> = {
  INVALID_MEDIA:
    "This file isn't a video we can read. Export it again as MP4 (H.264) and re-upload.",
  UNSUPPORTED_CONTAINER:
    "This file type isn't supported. Export the video as MP4 (H.264) and re-upload.",
  UNSUPPORTED_CODEC:
    "This video uses a format we can't convert. Export it again as MP4 (H.264, AAC audio) and re-upload.",
  NO_VIDEO_STREAM:
    'This file has no video picture in it (audio only?). Upload the match video file.',
  TOO_LONG: 'This video is longer than 4 hours. Trim it or split it into halves and upload each.',
  RESOLUTION_TOO_HIGH:
    'This video is larger than 4K. Export it at 4K (3840×2160) or lower and re-upload.',
  FRAME_RATE_TOO_HIGH:
    'This video has more than 120 frames per second. Export it at 60 fps or lower and re-upload.',
  TRANSCODE_FAILED:
    "We couldn't convert this video; the file may be damaged. Export it again as MP4 (H.264) and re-upload.",
  TIMEOUT:
    'Converting this video took far too long and was stopped. Export it again as MP4 (H.264) and re-upload.',
  SOURCE_MISSING: "The uploaded file couldn't be found. Upload the video again.",
  STORAGE_ERROR: 'A storage problem interrupted processing. It will be retried automatically.',
  INTERNAL_ERROR:
    'Something went wrong on our side while processing. It will be retried automatically.',
}

// Whether another attempt can succeed: a file that fails validation fails the same way every time.
const retryable: ReadonlySet<MediaErrorCode> = new Set(['STORAGE_ERROR', 'INTERNAL_ERROR'])

export class MediaError extends Error {
  readonly code: MediaErrorCode
  /** Technical detail for logs and operators; never shown to a coach. */
  readonly detail: string

  constructor(code: MediaErrorCode, detail = '', options?: { cause?: unknown }) {
    super(humanMessages[code], options)
    this.name = 'MediaError'
    this.code = code
    this.detail = detail
  }

  get retryable(): boolean {
    return retryable.has(this.code)
  }
}

export function humanMessage(code: MediaErrorCode): string {
  return humanMessages[code]
}

export function toMediaError(error: unknown): MediaError {
  if (error instanceof MediaError) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new MediaError('INTERNAL_ERROR', detail, { cause: error })
}
