import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A short "match": 1280x720 test pattern with a tone, enough for a two-rung ladder. */
export function generateMatchVideo(dir: string, seconds = 8): string {
  const file = join(dir, 'e2e-match.mp4')
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
    '-c:a',
    'aac',
    '-shortest',
    file,
  ])
  return file
}

/** What a coach gets when they rename a document to .mp4. */
export function generateFakeVideo(dir: string): string {
  const file = join(dir, 'not-really-a-video.mp4')
  writeFileSync(file, 'Team sheet for Saturday\n1 Loosehead prop\n2 Hooker\n'.repeat(200))
  return file
}
