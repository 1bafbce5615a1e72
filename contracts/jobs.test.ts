import { describe, expect, it } from 'vitest'
import { idempotencyKeys, jobIdOfMessage, parseJobPayload, queueMessageBody } from './jobs.ts'

const id = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'

describe('job payloads', () => {
  it('reads each payload type and refuses one that drifted', () => {
    const transcode = { assetId: id, originalKey: 'orgs/o/media/a/original/source.mp4' }
    expect(parseJobPayload('transcode', transcode)).toEqual(transcode)
    expect(parseJobPayload('transcode', { assetId: id })).toBeNull()
    expect(parseJobPayload('transcode', { ...transcode, originalKey: '' })).toBeNull()
    expect(parseJobPayload('transcode', [transcode])).toBeNull()
    expect(parseJobPayload('transcode', null)).toBeNull()

    const clip = {
      kind: 'segment_mp4',
      assetId: id,
      segmentId: 's1',
      startSeconds: 3,
      endSeconds: 9,
      key: 'orgs/o/media/a/exports/s1.mp4',
      originalKey: 'orgs/o/media/a/original/source.mp4',
    }
    expect(parseJobPayload('export', clip)).toEqual(clip)
    expect(parseJobPayload('export', { ...clip, kind: 'playlist_zip' })).toBeNull()
    expect(parseJobPayload('export', { ...clip, startSeconds: '3' })).toBeNull()
    expect(parseJobPayload('export', { ...clip, endSeconds: Number.NaN })).toBeNull()

    expect(parseJobPayload('transcribe', { narrationId: 'n1' })).toEqual({ narrationId: 'n1' })
    expect(parseJobPayload('transcribe', { narrationId: 'n1', previewText: 7 })).toBeNull()
  })

  it('names one transcode per asset and one export per segment', () => {
    expect(idempotencyKeys.transcode('a1')).toBe('transcode:a1')
    expect(idempotencyKeys.export('s1')).toBe('export:s1')
  })

  it('sends the job id as the queue message and reads back only a job id', () => {
    const body = queueMessageBody({ id, type: 'transcode' })
    expect(JSON.parse(body)).toEqual({ jobId: id, type: 'transcode' })
    expect(jobIdOfMessage(body)).toBe(id)
    expect(jobIdOfMessage(` ${id} `)).toBe(id)
    expect(jobIdOfMessage(JSON.stringify({ job_id: id }))).toBe(id)
    expect(jobIdOfMessage(JSON.stringify({ jobId: `x${id}` }))).toBeNull()
    expect(jobIdOfMessage('{not json')).toBeNull()
  })
})
