// TX-4: the WebVTT that maps each 6 s of the match to its tile in a 5×5 sprite sheet.
export interface StoryboardLayout {
  thumbs: number
  thumbWidth: number
  thumbHeight: number
  columns: number
  rows: number
  intervalSeconds: number
  durationSeconds: number
}

function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`
}

export function spriteName(index: number): string {
  return `sprite_${String(index).padStart(3, '0')}.jpg`
}

export function spriteCount(layout: StoryboardLayout): number {
  return Math.ceil(layout.thumbs / (layout.columns * layout.rows))
}

export function storyboardVtt(layout: StoryboardLayout): string {
  const perSprite = layout.columns * layout.rows
  const cues = ['WEBVTT', '']
  for (let i = 0; i < layout.thumbs; i++) {
    const start = i * layout.intervalSeconds
    const end =
      i === layout.thumbs - 1
        ? Math.max(layout.durationSeconds, start + 0.001)
        : (i + 1) * layout.intervalSeconds
    const tile = i % perSprite
    const x = (tile % layout.columns) * layout.thumbWidth
    const y = Math.floor(tile / layout.columns) * layout.thumbHeight
    cues.push(
      `${timestamp(start)} --> ${timestamp(end)}`,
      `${spriteName(Math.floor(i / perSprite))}#xywh=${x},${y},${layout.thumbWidth},${layout.thumbHeight}`,
      '',
    )
  }
  return cues.join('\n')
}
