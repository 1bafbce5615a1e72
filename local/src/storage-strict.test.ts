// PROD-1: the storage stand-in refuses what S3 refuses (presigned URLs: storage-presign.test.ts).
// Every case here is a request real S3 (or Wasabi/MinIO, for DeleteObjects without Content-MD5)
// answers with an error; a stand-in that accepted it would let a broken client pass every test.
import { createHash } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import {
  CompleteMultipartUploadCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { Hash } from '@smithy/core/serde'
import { SignatureV4 } from '@smithy/signature-v4'
import { beforeAll, describe, expect, it } from 'vitest'
import { newUpload, partNumbers, presignPart, useTestStorage, xmlError } from './storage/testing'

const MiB = 1024 * 1024
const fx = useTestStorage('rc-s3-strict-', { maxAttempts: 1 })
beforeAll(() =>
  fx.s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt', Body: 'hello' })),
)

const client = fx.client

describe('header-signed SDK requests', () => {
  it('a wrong secret is SignatureDoesNotMatch; a body that does not match its signed hash is refused', async () => {
    const wrongSecret = client({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'nope' } })
    await expect(
      wrongSecret.send(new HeadObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } })
    await expect(
      wrongSecret.send(new PutObjectCommand({ Bucket: 'media', Key: 'probe/x', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' })
    wrongSecret.destroy()

    // Sign one body with the SDK's signer, send another of the same length.
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      region: 'us-east-1',
      service: 's3',
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    })
    const url = new URL(`${fx.storage.endpoint}/media/probe/signed-body.txt`)
    const signed = await signer.sign({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: url.host, 'content-length': '5' },
      body: 'hello',
    })
    const sendBody = (body: string) =>
      fetch(url, { method: 'PUT', headers: signed.headers as Record<string, string>, body })
    expect(await xmlError(await sendBody('HELLO'))).toMatchObject({
      status: 400,
      code: 'XAmzContentSHA256Mismatch',
    })
    expect((await sendBody('hello')).status).toBe(200)
  })

  it('a stale x-amz-date is RequestTimeTooSkewed', async () => {
    const skewed = client({ systemClockOffset: -3600_000 })
    await expect(
      skewed.send(new HeadObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } })
    skewed.destroy()
  })
})

describe('DeleteObjects needs Content-MD5 (as Wasabi and MinIO require)', () => {
  it('the SDK default (CRC32 only) is refused, a correct Content-MD5 passes, a wrong one is BadDigest', async () => {
    await fx.s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'del/a.txt', Body: 'a' }))
    await expect(
      fx.s3.send(
        new DeleteObjectsCommand({
          Bucket: 'media',
          Delete: { Objects: [{ Key: 'del/a.txt' }], Quiet: true },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } })
    expect(
      (await fx.s3.send(new HeadObjectCommand({ Bucket: 'media', Key: 'del/a.txt' })))
        .ContentLength,
    ).toBe(1)

    const withMd5 = (md5: (body: string) => string) => {
      const c = client()
      c.middlewareStack.add(
        (next) => async (args) => {
          const req = args.request as { headers: Record<string, string>; body: string }
          req.headers['content-md5'] = md5(req.body)
          return next(args)
        },
        { step: 'build', name: 'testContentMd5' },
      )
      return c
    }
    const wrong = withMd5(() => createHash('md5').update('other').digest('base64'))
    await expect(
      wrong.send(
        new DeleteObjectsCommand({ Bucket: 'media', Delete: { Objects: [{ Key: 'del/a.txt' }] } }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest' })
    wrong.destroy()
    const right = withMd5((body) => createHash('md5').update(body).digest('base64'))
    await right.send(
      new DeleteObjectsCommand({ Bucket: 'media', Delete: { Objects: [{ Key: 'del/a.txt' }] } }),
    )
    right.destroy()
    await expect(
      fx.s3.send(new HeadObjectCommand({ Bucket: 'media', Key: 'del/a.txt' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } })
  })
})

/** Sends the headers and `sent` bytes of a `total`-byte PUT, then resets the connection. */
function cutOffPut(url: string, total: number, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(url, {
      method: 'PUT',
      headers: { 'content-length': String(total), expect: '100-continue' },
    })
    req.on('error', () => resolve())
    req.on('close', () => resolve())
    // Once the server has taken the request (100 Continue), send part of the body and cut off.
    req.on('continue', () => {
      req.write(Buffer.alloc(sent, 1), () => {
        setImmediate(() => req.destroy())
      })
    })
    req.flushHeaders()
  })
}

describe('an interrupted part PUT leaves no part (S3 stores only whole bodies)', () => {
  it('after a reset mid-body ListParts answers 200 without the part; the retry and Complete work', async () => {
    const key = 'orgs/o/media/cut/original/source.mp4'
    const uploadId = await newUpload(fx.s3, key)
    const sizes = [5 * MiB, 1234]
    const presign = (partNumber: number) =>
      presignPart(fx.s3, { key, uploadId, partNumber, contentLength: sizes[partNumber - 1] })
    const body = (n: number) => new Uint8Array(sizes[n - 1] as number).fill(n)
    const put1 = await fetch(await presign(1), { method: 'PUT', body: body(1) })
    expect(put1.status).toBe(200)

    await cutOffPut(await presign(2), sizes[1] as number, 600)
    await fx.storage.idle()
    expect(await partNumbers(fx.s3, key, uploadId)).toEqual([1])

    // Cut off again, this time a part that already existed: the stored one survives intact.
    await cutOffPut(await presign(1), sizes[0] as number, 2 * MiB)
    await fx.storage.idle()
    const listed = await fx.s3.send(
      new ListPartsCommand({ Bucket: 'media', Key: key, UploadId: uploadId }),
    )
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 * MiB, put1.headers.get('etag')],
    ])

    const put2 = await fetch(await presign(2), { method: 'PUT', body: body(2) })
    expect(put2.status).toBe(200)
    await fx.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'media',
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: put1.headers.get('etag') as string },
            { PartNumber: 2, ETag: put2.headers.get('etag') as string },
          ],
        },
      }),
    )
    const head = await fx.s3.send(new HeadObjectCommand({ Bucket: 'media', Key: key }))
    expect(head.ContentLength).toBe(5 * MiB + 1234)
  })
})

describe('CompleteMultipartUpload checks its parts as S3 does', () => {
  it('EntityTooSmall for a small non-last part, InvalidPart for a wrong ETag, InvalidPartOrder', async () => {
    const key = 'orgs/o/media/small/original/source.mp4'
    const uploadId = await newUpload(fx.s3, key)
    const etags: string[] = []
    for (const [n, size] of [
      [1, 1000],
      [2, 1000],
    ] as const) {
      const out = await fx.s3.send(
        new UploadPartCommand({
          Bucket: 'media',
          Key: key,
          UploadId: uploadId,
          PartNumber: n,
          Body: new Uint8Array(size),
        }),
      )
      etags.push(out.ETag as string)
    }
    const complete = (parts: { PartNumber: number; ETag: string }[]) =>
      fx.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'media',
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      )
    await expect(
      complete([
        { PartNumber: 1, ETag: etags[0] as string },
        { PartNumber: 2, ETag: etags[1] as string },
      ]),
    ).rejects.toMatchObject({ name: 'EntityTooSmall' })
    await expect(complete([{ PartNumber: 1, ETag: '"0123"' }])).rejects.toMatchObject({
      name: 'InvalidPart',
    })
    await expect(
      complete([
        { PartNumber: 2, ETag: etags[1] as string },
        { PartNumber: 1, ETag: etags[0] as string },
      ]),
    ).rejects.toMatchObject({ name: 'InvalidPartOrder' })
    // The upload is still there after the refusals, and a single (last) small part completes.
    await complete([{ PartNumber: 1, ETag: etags[0] as string }])
    expect(
      (await fx.s3.send(new HeadObjectCommand({ Bucket: 'media', Key: key }))).ContentLength,
    ).toBe(1000)
  })
})
