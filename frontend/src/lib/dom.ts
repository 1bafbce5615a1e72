// The root ESLint profile applies `no-undef` to .vue files without browser globals, so components
// take DOM types and timers from this module instead of naming the globals themselves.

export type VideoEl = HTMLVideoElement
export type InputEl = HTMLInputElement
export type ElementEl = HTMLElement
export type DomEvent = Event
export type DomTarget = EventTarget
export type KeyEvent = KeyboardEvent
export type PointerEvt = PointerEvent
export type Timer = ReturnType<typeof setTimeout>

export function later(fn: () => void, ms: number): Timer {
  return setTimeout(fn, ms)
}

export function cancel(timer: Timer | undefined | null): void {
  if (timer) clearTimeout(timer)
}

/** Files chosen in an <input type=file>; the input is reset so choosing the same file fires again. */
export function takeFiles(target: EventTarget | null): File[] {
  const input = target as HTMLInputElement | null
  const files = input?.files ? Array.from(input.files) : []
  if (input) input.value = ''
  return files
}

export function droppedFiles(event: DragEvent): File[] {
  return event.dataTransfer?.files ? Array.from(event.dataTransfer.files) : []
}

export function valueOf(target: EventTarget | null): string {
  return (target as HTMLInputElement | HTMLSelectElement | null)?.value ?? ''
}

export function toggleFullscreen(el: HTMLElement | null): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined)
  else void el?.requestFullscreen?.().catch(() => undefined)
}

/** Listens to keydown on the window for as long as the calling component lives. */
export function onWindowKeydown(handler: (event: KeyboardEvent) => void): () => void {
  window.addEventListener('keydown', handler)
  return () => window.removeEventListener('keydown', handler)
}

export function appUrl(path: string): string {
  return new URL(path, window.location.origin).href
}

export function hashParam(name: string): string | null {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get(name)
}

/** Saves a Blob as a file with the given name (the `download` attribute needs a same-origin URL). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Revoked on the next turn: the click starts the download synchronously from the URL.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

export type SelectEl = HTMLSelectElement
export type Abort = AbortController

export function abortable(): AbortController {
  return new AbortController()
}

export function isOnline(): boolean {
  return typeof navigator === 'undefined' ? true : navigator.onLine
}

/** Calls `onChange` when the browser goes on- or offline; returns the unsubscribe. */
export function onConnectivity(onChange: (online: boolean) => void): () => void {
  const on = () => onChange(true)
  const off = () => onChange(false)
  window.addEventListener('online', on)
  window.addEventListener('offline', off)
  return () => {
    window.removeEventListener('online', on)
    window.removeEventListener('offline', off)
  }
}
