// TX-3: which rungs a source gets. A rung's number is the short side of the picture, so a portrait
// phone clip gets the same pixel budget (and bitrate) as the landscape rung of the same name.
import type { MediaInfo } from './validate'

export interface RungSpec {
  name: string
  /** Short side the rung is named after. */
  short: number
  maxrateKbps: number
}

export interface Rung {
  name: string
  width: number
  height: number
  /** Peak video bitrate the encoder is capped at. */
  maxrateKbps: number
  /** Output frame rate (sources above 60 fps are halved-or-capped to 60). */
  fps: number
}

export const rungSpecs: readonly RungSpec[] = [
  { name: '1080p', short: 1080, maxrateKbps: 5000 },
  { name: '720p', short: 720, maxrateKbps: 2800 },
  { name: '480p', short: 480, maxrateKbps: 1400 },
  { name: '360p', short: 360, maxrateKbps: 800 },
]

export const maxOutputFps = 60
export const audioBitrateKbps = 128

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2)
}

function sized(name: string, short: number, maxrateKbps: number, media: MediaInfo): Rung {
  const portrait = media.height > media.width
  const srcShort = portrait ? media.width : media.height
  const srcLong = portrait ? media.height : media.width
  const shortSide = even(short)
  const longSide = even((srcLong * short) / srcShort)
  return {
    name,
    width: portrait ? shortSide : longSide,
    height: portrait ? longSide : shortSide,
    maxrateKbps,
    fps: Math.min(media.fps, maxOutputFps),
  }
}

/** Rungs lowest first; never above the source; a source below 360p gets one rung at its own size. */
export function chooseLadder(media: MediaInfo): Rung[] {
  const srcShort = Math.min(media.width, media.height)
  const fitting = rungSpecs.filter((spec) => spec.short <= srcShort)
  if (fitting.length === 0) {
    const lowest = rungSpecs[rungSpecs.length - 1]!
    const short = even(srcShort)
    return [sized(`${short}p`, short, lowest.maxrateKbps, media)]
  }
  return fitting.map((spec) => sized(spec.name, spec.short, spec.maxrateKbps, media)).reverse()
}
