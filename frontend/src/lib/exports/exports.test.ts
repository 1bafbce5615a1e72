import { describe, expect, it } from 'vitest'
import {
  ClipExportError,
  clipFileName,
  matchExportFileName,
  waitForClipExport,
  type ClipExportState,
} from './exports'

function scripted(states: ClipExportState[]) {
  let calls = 0
  const waits: number[] = []
  return {
    request: async () => states[Math.min(calls++, states.length - 1)]!,
    wait: async (ms: number) => {
      waits.push(ms)
    },
    get calls() {
      return calls
    },
    waits,
  }
}

describe('export file names', () => {
  it('follow the server rule for match exports', () => {
    expect(matchExportFileName('U18 vs. Harlequins (home)', 'csv')).toBe(
      'U18_vs._Harlequins_home_.csv',
    )
    expect(matchExportFileName('ÉÉÉ', 'json')).toBe('_.json')
    expect(matchExportFileName('', 'json')).toBe('match.json')
  })
  it('name a clip by match and time range', () => {
    expect(clipFileName('Demo match', 62, 75.4)).toBe('Demo_match_1m02s-1m15s.mp4')
  })
})

describe('waitForClipExport', () => {
  it('asks again until the worker has stored the file, reporting each state', async () => {
    const seen: string[] = []
    const s = scripted([
      { jobId: 'j', state: 'queued', downloadUrl: null },
      { jobId: 'j', state: 'running', downloadUrl: null },
      { jobId: 'j', state: 'succeeded', downloadUrl: 'https://s3/clip.mp4' },
    ])
    const url = await waitForClipExport({ ...s, onState: (st) => seen.push(st.state) })
    expect(url).toBe('https://s3/clip.mp4')
    expect(seen).toEqual(['queued', 'running', 'succeeded'])
    expect(s.waits).toHaveLength(2)
  })

  it('returns at once when the clip was exported before', async () => {
    const s = scripted([{ jobId: 'j', state: 'succeeded', downloadUrl: 'u' }])
    expect(await waitForClipExport(s)).toBe('u')
    expect(s.waits).toHaveLength(0)
  })

  it('stops with the reason when the job failed', async () => {
    const s = scripted([
      { jobId: 'j', state: 'running', downloadUrl: null },
      { jobId: 'j', state: 'failed', error: 'ffmpeg exited 1', downloadUrl: null },
    ])
    const failure = await waitForClipExport(s).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(ClipExportError)
    expect((failure as ClipExportError).message).toContain('ffmpeg exited 1')
    expect(s.calls).toBe(2)
  })

  it('gives up after the allowed number of attempts', async () => {
    const s = scripted([{ jobId: 'j', state: 'queued', downloadUrl: null }])
    const failure = await waitForClipExport({ ...s, maxAttempts: 3 }).catch((e: unknown) => e)
    expect((failure as ClipExportError).state).toBe('timeout')
    expect(s.calls).toBe(3)
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    const s = scripted([{ jobId: 'j', state: 'queued', downloadUrl: null }])
    const failure = await waitForClipExport({
      ...s,
      signal: controller.signal,
      onState: () => controller.abort(),
    }).catch((e: unknown) => e)
    expect((failure as ClipExportError).state).toBe('cancelled')
    expect(s.calls).toBe(1)
  })
})
