import type { Mock } from 'vitest'
import type { SegmentInsight } from '../lib/insights'

// AI-1 / AI-3 fixtures: one clip's insight and the two routes that serve it.

export const SEG = '00000000-0000-4000-8000-0000000000aa'
export const AUDIO_URL =
  'http://127.0.0.1:9000/rc/orgs/o/media/m/insights/seg.mp3?X-Amz-Signature=abc'

export const insight = (over: Partial<SegmentInsight> = {}): SegmentInsight => ({
  segmentId: SEG,
  headline: 'maul · drives · corner',
  summary: '1 note(s); most said: the maul drives to the corner.',
  coachScript: 'Watch this clip and focus on maul and drives.',
  hasAudio: false,
  narrationCount: 1,
  model: 'offline-template',
  generatedAt: '2026-03-01T10:00:00.000Z',
  ...over,
})

/** Answers the two insight routes; anything else is a test mistake. */
export function serveInsight(api: Mock, answers: { get?: () => unknown; audio?: () => unknown }) {
  api.mockImplementation((method: string, path: string) => {
    if (method === 'GET' && path === `insights/segments/${SEG}`) return answers.get!()
    if (method === 'POST' && path === `insights/segments/${SEG}/audio`) return answers.audio!()
    throw new Error(`unexpected call ${method} ${path}`)
  })
}
