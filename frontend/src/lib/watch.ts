/**
 * FEED-2: how much of a segment a viewer has actually seen. Seeking does not count: only time
 * advanced by playback within [start, end] accumulates, so skipping to the end does not complete.
 */
export class WatchTracker {
  private watched = 0
  private last: number | null = null

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  get length(): number {
    return Math.max(0.001, this.end - this.start)
  }

  get fraction(): number {
    return Math.min(1, this.watched / this.length)
  }

  /** Feed each `timeupdate`; jumps larger than `maxStep` are seeks, not watching. */
  update(time: number, playing: boolean, maxStep = 1.5): number {
    if (this.last !== null && playing) {
      const step = time - this.last
      if (step > 0 && step <= maxStep) {
        const from = Math.max(this.start, this.last)
        const to = Math.min(this.end, time)
        if (to > from) this.watched += to - from
      }
    }
    this.last = time
    return this.fraction
  }
}
