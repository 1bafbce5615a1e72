/** TX-4 storyboard: WebVTT cues whose text is `sprite.jpg#xywh=x,y,w,h`. */
export interface StoryboardCue {
  start: number
  end: number
  url: string
  x: number
  y: number
  w: number
  h: number
}

function seconds(stamp: string): number {
  const parts = stamp.trim().split(':').map(Number)
  return parts.reduce((acc, p) => acc * 60 + p, 0)
}

export function parseStoryboard(vtt: string, baseUrl: string): StoryboardCue[] {
  const cues: StoryboardCue[] = []
  const blocks = vtt.replace(/\r/g, '').split(/\n\n+/)
  for (const block of blocks) {
    const lines = block.split('\n').filter(Boolean)
    const timing = lines.findIndex((l) => l.includes('-->'))
    const text = timing >= 0 ? lines[timing + 1] : undefined
    if (timing < 0 || !text) continue
    const [from, to] = (lines[timing] as string).split('-->') as [string, string]
    const match = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(text.trim())
    if (!match) continue
    cues.push({
      start: seconds(from),
      end: seconds(to.trim().split(/\s+/)[0] as string),
      url: new URL(match[1] as string, baseUrl).href,
      x: Number(match[2]),
      y: Number(match[3]),
      w: Number(match[4]),
      h: Number(match[5]),
    })
  }
  return cues.sort((a, b) => a.start - b.start)
}

export function cueAt(cues: readonly StoryboardCue[], time: number): StoryboardCue | null {
  let lo = 0
  let hi = cues.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const cue = cues[mid] as StoryboardCue
    if (time < cue.start) hi = mid - 1
    else if (time >= cue.end) lo = mid + 1
    else return cue
  }
  return null
}

/** Fetches and parses a storyboard; the preview is optional, so failures yield no cues. */
export async function loadStoryboard(url: string | null | undefined): Promise<StoryboardCue[]> {
  if (!url) return []
  try {
    const res = await fetch(url)
    return res.ok ? parseStoryboard(await res.text(), url) : []
  } catch {
    return []
  }
}
