/**
 * MEDIA-4 player shortcuts, in one table so the help overlay and the handler cannot disagree.
 * Keys follow the conventions coaches know from YouTube and editing tools.
 */
export type PlayerAction =
  | { type: 'toggle' }
  | { type: 'seek'; by: number }
  | { type: 'frame'; by: 1 | -1 }
  | { type: 'seekPercent'; percent: number }
  | { type: 'speed'; by: 1 | -1 }
  | { type: 'mute' }
  | { type: 'fullscreen' }
  | { type: 'help' }

export interface KeyLike {
  key: string
  shiftKey?: boolean
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
  target?: unknown
}

export const SHORTCUT_HELP: { keys: string; does: string }[] = [
  { keys: 'Space or K', does: 'Play / pause' },
  { keys: '← / →', does: 'Back / forward 5 s' },
  { keys: 'J / L', does: 'Back / forward 10 s' },
  { keys: ', / .', does: 'One frame back / forward (paused)' },
  { keys: '[ / ]', does: 'Slower / faster' },
  { keys: '0 – 9', does: 'Jump to 0 % – 90 %' },
  { keys: 'M', does: 'Mute' },
  { keys: 'F', does: 'Full screen' },
  { keys: '?', does: 'Show these shortcuts' },
]

export const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2] as const

/** Typing in a field must never trigger the player. */
export function isTypingTarget(target: unknown): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null
  if (!el || typeof el.tagName !== 'string') return false
  if (el.isContentEditable) return true
  const tag = el.tagName.toUpperCase()
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag !== 'INPUT') return false
  return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(el.type ?? 'text')
}

export function resolveShortcut(e: KeyLike): PlayerAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null
  if (isTypingTarget(e.target)) return null
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key
  switch (key) {
    case ' ':
    case 'k':
      return { type: 'toggle' }
    case 'ArrowLeft':
      return { type: 'seek', by: -5 }
    case 'ArrowRight':
      return { type: 'seek', by: 5 }
    case 'j':
      return { type: 'seek', by: -10 }
    case 'l':
      return { type: 'seek', by: 10 }
    case ',':
      return { type: 'frame', by: -1 }
    case '.':
      return { type: 'frame', by: 1 }
    case '[':
      return { type: 'speed', by: -1 }
    case ']':
      return { type: 'speed', by: 1 }
    case 'm':
      return { type: 'mute' }
    case 'f':
      return { type: 'fullscreen' }
    case '?':
      return { type: 'help' }
  }
  if (/^[0-9]$/.test(key) && !e.shiftKey) return { type: 'seekPercent', percent: Number(key) * 10 }
  return null
}

export function nextSpeed(current: number, by: 1 | -1): number {
  const index = SPEEDS.findIndex((s) => s >= current - 1e-9)
  const at = index < 0 ? SPEEDS.length - 1 : index
  return SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, at + by))] as number
}
