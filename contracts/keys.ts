// Storage keys (bucket `media`): the one place that knows where an object lives. The functions
// presign and delete them, the worker writes them, and the database holds an asset to its own
// prefix (constraint media_assets_keys_in_own_prefix, trigger enqueue_media_cleanup), which is
// why `assetKeys(…).prefix` must stay `orgs/<orgId>/media/<assetId>/`.

/**
 * Paths below an asset's prefix. The worker lays its output folder out exactly like this, so a
 * file's path in that folder is its key below the prefix.
 */
export const ASSET_LAYOUT = {
  original: 'original/',
  hls: 'hls/',
  master: 'hls/master.m3u8',
  poster: 'poster.jpg',
  storyboard: 'storyboard/',
  storyboardVtt: 'storyboard/storyboard.vtt',
  exports: 'exports/',
  insights: 'insights/',
  /** A rung's folder, below the prefix. */
  rungDir: (rung: string) => `hls/${rung}/`,
  /** A rung's media playlist relative to the master (the URI the master lists). */
  rungPlaylist: (rung: string) => `${rung}/index.m3u8`,
} as const

/** A safe lowercase extension from a file name (`.mp4`), or '' when there is none. */
export function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(fileName.trim())
  return match ? `.${match[1]!.toLowerCase()}` : ''
}

export interface AssetKeys {
  /** Everything of the asset is below this (ends with `/`). */
  prefix: string
  /** The uploaded file: `original/source<.ext>`, the extension taken from the file name. */
  original(fileName: string): string
  originals: string
  hls: string
  master: string
  poster: string
  storyboard: string
  storyboardVtt: string
  exports: string
  /** MEDIA-6: the MP4 cut of one segment. */
  clipExport(segmentId: string): string
  /** INS-1: the coach script read out for one segment. */
  coachAudio(segmentId: string): string
  /** What a transcode writes, and takes back when it finally fails (no partial renditions). */
  outputs: string[]
  /** A path of ASSET_LAYOUT (or below it) as a key. */
  at(path: string): string
}

export function assetKeys(orgId: string, assetId: string): AssetKeys {
  const prefix = `orgs/${orgId}/media/${assetId}/`
  const at = (path: string) => `${prefix}${path}`
  return {
    prefix,
    original: (fileName) => at(`${ASSET_LAYOUT.original}source${extensionOf(fileName)}`),
    originals: at(ASSET_LAYOUT.original),
    hls: at(ASSET_LAYOUT.hls),
    master: at(ASSET_LAYOUT.master),
    poster: at(ASSET_LAYOUT.poster),
    storyboard: at(ASSET_LAYOUT.storyboard),
    storyboardVtt: at(ASSET_LAYOUT.storyboardVtt),
    exports: at(ASSET_LAYOUT.exports),
    clipExport: (segmentId) => at(`${ASSET_LAYOUT.exports}${segmentId}.mp4`),
    coachAudio: (segmentId) => at(`${ASSET_LAYOUT.insights}${segmentId}.mp3`),
    outputs: [at(ASSET_LAYOUT.hls), at(ASSET_LAYOUT.storyboard), at(ASSET_LAYOUT.poster)],
    at,
  }
}

/** NARR-1: a voice narration's recording, `orgs/<orgId>/narrations/<id>/audio.<ext>`. */
export function narrationKeys(orgId: string, narrationId: string) {
  const prefix = `orgs/${orgId}/narrations/${narrationId}/`
  return { prefix, audio: (extension: string) => `${prefix}audio.${extension}` }
}
