import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  AbortMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'

import { presignPart, SPA_ORIGIN as origin, useTestStorage } from './storage/testing'

const fx = useTestStorage('rc-s3-')

describe('storage stand-in (s3rver behind the S3 layer)', () => {
  it('accepts a presigned multipart upload the way the browser sends it', async () => {
    const key = 'orgs/o1/media/a1/original/source.mp4'
    const partSize = 5 * 1024 * 1024
    const body = Buffer.alloc(partSize + 1234)
    for (let i = 0; i < body.length; i++) body[i] = i % 251

    const created = await fx.s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'media', Key: key, ContentType: 'video/mp4' }),
    )
    const uploadId = created.UploadId as string
    expect(uploadId).toBeTruthy()

    const parts: { PartNumber: number; ETag: string }[] = []
    for (const [index, start] of [0, partSize].entries()) {
      const url = await presignPart(fx.s3, { key, uploadId, partNumber: index + 1 })
      const response = await fetch(url, {
        method: 'PUT',
        body: body.subarray(start, Math.min(start + partSize, body.length)),
        headers: { origin },
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('access-control-expose-headers')).toMatch(/etag/i)
      const etag = response.headers.get('etag')
      expect(etag).toBeTruthy()
      parts.push({ PartNumber: index + 1, ETag: etag as string })
    }

    const listed = await fx.s3.send(
      new ListPartsCommand({ Bucket: 'media', Key: key, UploadId: uploadId }),
    )
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size])).toEqual([
      [1, parts[0]?.ETag, partSize],
      [2, parts[1]?.ETag, 1234],
    ])

    await fx.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'media',
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    )
    const head = await fx.s3.send(new HeadObjectCommand({ Bucket: 'media', Key: key }))
    expect(head.ContentLength).toBe(body.length)

    const object = await fx.s3.send(new GetObjectCommand({ Bucket: 'media', Key: key }))
    const stored = Buffer.from(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    )
    expect(stored.equals(body)).toBe(true)
  })

  it('lists the parts of a resumed upload page by page and aborts it', async () => {
    const key = 'orgs/o1/media/a2/original/source.mov'
    const { UploadId } = await fx.s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'media', Key: key }),
    )
    for (const PartNumber of [1, 2, 3]) {
      await fx.s3.send(
        new UploadPartCommand({
          Bucket: 'media',
          Key: key,
          UploadId,
          PartNumber,
          Body: Buffer.alloc(10, PartNumber),
        }),
      )
    }
    const first = await fx.s3.send(
      new ListPartsCommand({ Bucket: 'media', Key: key, UploadId, MaxParts: 2 }),
    )
    expect(first.Parts?.map((p) => p.PartNumber)).toEqual([1, 2])
    expect(first.IsTruncated).toBe(true)
    const rest = await fx.s3.send(
      new ListPartsCommand({
        Bucket: 'media',
        Key: key,
        UploadId,
        PartNumberMarker: String(first.NextPartNumberMarker),
      }),
    )
    expect(rest.Parts?.map((p) => p.PartNumber)).toEqual([3])
    expect(rest.IsTruncated).toBe(false)

    // Another key cannot read this upload.
    await expect(
      fx.s3.send(new ListPartsCommand({ Bucket: 'media', Key: 'other/key', UploadId })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' })

    await fx.s3.send(new AbortMultipartUploadCommand({ Bucket: 'media', Key: key, UploadId }))
    await expect(
      fx.s3.send(new ListPartsCommand({ Bucket: 'media', Key: key, UploadId })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } })
  })

  it('answers the browser preflight for a part upload from the SPA origin', async () => {
    const response = await fetch(`${fx.storage.endpoint}/media/some/key?partNumber=1&uploadId=x`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(response.status).toBe(200)
    expect(['*', origin]).toContain(response.headers.get('access-control-allow-origin'))
    expect(response.headers.get('access-control-allow-methods')).toMatch(/PUT/)
  })

  it('refuses the preflight from another origin', async () => {
    const response = await fetch(`${fx.storage.endpoint}/media/some/key`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'PUT' },
    })
    expect(response.status).toBe(403)
  })
})
