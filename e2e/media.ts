import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** ffmpeg writing `file`: a 1280x720 test pattern with a tone for `seconds`, H.264 + AAC. */
function encodeTestMatch(file: string, seconds: number, videoRate: string[] = []) {
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=1280x720:rate=25:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    ...videoRate,
    '-c:a',
    'aac',
    '-shortest',
    file,
  ])
  return file
}

/** A short "match": 1280x720 test pattern with a tone, enough for a two-rung ladder. */
export function generateMatchVideo(dir: string, seconds = 8): string {
  return encodeTestMatch(join(dir, 'e2e-match.mp4'), seconds)
}

/**
 * A short match big enough for three 10 MiB upload parts (about 23 MiB: two full parts and a
 * smaller last one), at a constant bitrate so its size does not depend on the encoder's mood.
 */
export function generateMultiPartVideo(dir: string): string {
  // CBR with filler: 24 Mbit/s for 8 s, whatever the picture.
  return encodeTestMatch(join(dir, 'e2e-long-upload.mp4'), 8, [
    '-b:v',
    '24M',
    '-minrate',
    '24M',
    '-maxrate',
    '24M',
    '-bufsize',
    '4M',
    '-x264-params',
    'nal-hrd=cbr',
  ])
}

/** What a coach gets when they rename a document to .mp4. */
export function generateFakeVideo(dir: string): string {
  const file = join(dir, 'not-really-a-video.mp4')
  writeFileSync(file, 'Team sheet for Saturday\n1 Loosehead prop\n2 Hooker\n'.repeat(200))
  return file
}
