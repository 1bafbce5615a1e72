// PROD-1: the storage stand-in refuses the presigned URLs S3 refuses (header-signed requests and
// multipart checks: storage-strict.test.ts). Every case here is a request real S3 answers with an
// error; a stand-in that accepted it would let a broken presigned URL pass every test.
import { createHash } from 'node:crypto'
import { GetObjectCommand, PutObjectCommand, type S3ClientConfig } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  SPA_ORIGIN as origin,
  newUpload,
  partNumbers,
  presignPart,
  useTestStorage,
  xmlError,
} from './storage/testing'

const fx = useTestStorage('rc-s3-presign-', { maxAttempts: 1 })
beforeAll(() =>
  fx.s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt', Body: 'hello' })),
)

const client = fx.client

const presignGet = (key = 'probe/hello.txt', options: Parameters<typeof getSignedUrl>[2] = {}) =>
  getSignedUrl(fx.s3, new GetObjectCommand({ Bucket: 'media', Key: key }), {
    expiresIn: 3600,
    ...options,
  })

describe('presigned URLs (query SigV4)', () => {
  it('a correct presigned GET passes', async () => {
    const res = await fetch(await presignGet())
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello')
  })

  it('a tampered signature, key or query is 403 SignatureDoesNotMatch, with CORS headers', async () => {
    const url = new URL(await presignGet())
    const signature = url.searchParams.get('X-Amz-Signature') as string
    const flipped = new URL(url)
    flipped.searchParams.set(
      'X-Amz-Signature',
      (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1),
    )
    const otherKey = new URL(url)
    otherKey.pathname = '/media/probe/other.txt'
    const extraQuery = new URL(url)
    extraQuery.searchParams.set('response-content-type', 'text/html')
    for (const tampered of [flipped, otherKey, extraQuery]) {
      const res = await fetch(tampered, { headers: { origin } })
      const error = await xmlError(res)
      expect(error, tampered.toString()).toMatchObject({
        status: 403,
        code: 'SignatureDoesNotMatch',
      })
      expect(res.headers.get('content-type')).toMatch(/xml/)
      // The browser must be able to read the refusal (S3 applies CORS to error answers too).
      expect(res.headers.get('access-control-allow-origin')).toBeTruthy()
    }
  })

  it('an expired presigned URL is 403 AccessDenied "Request has expired"', async () => {
    const url = await presignGet('probe/hello.txt', {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 2 * 3600_000),
    })
    const error = await xmlError(await fetch(url))
    expect(error).toMatchObject({ status: 403, code: 'AccessDenied' })
    expect(error.text).toMatch(/Request has expired/)
  })

  it('X-Amz-Expires beyond 7 days and a malformed X-Amz-Date are refused', async () => {
    const url = new URL(await presignGet('probe/hello.txt', { expiresIn: 604800 }))
    const longer = new URL(url)
    longer.searchParams.set('X-Amz-Expires', '604801')
    expect(await xmlError(await fetch(longer))).toMatchObject({
      status: 400,
      code: 'AuthorizationQueryParametersError',
    })
    const badDate = new URL(url)
    badDate.searchParams.set('X-Amz-Date', '2026-01-01T00:00:00Z')
    expect(await xmlError(await fetch(badDate))).toMatchObject({
      status: 400,
      code: 'AuthorizationQueryParametersError',
    })
    const missing = new URL(url)
    missing.searchParams.delete('X-Amz-SignedHeaders')
    expect(await xmlError(await fetch(missing))).toMatchObject({
      status: 400,
      code: 'AuthorizationQueryParametersError',
    })
  })

  it('a presigned GET used with another method is 403', async () => {
    const url = await presignGet()
    for (const method of ['PUT', 'DELETE', 'HEAD']) {
      const res = await fetch(url, { method, ...(method === 'PUT' ? { body: 'evil' } : {}) })
      expect(res.status, method).toBe(403)
      if (method !== 'HEAD') expect((await xmlError(res)).code).toBe('SignatureDoesNotMatch')
    }
    // Nothing changed.
    expect(await (await fetch(await presignGet())).text()).toBe('hello')
  })

  it('the credential scope must name this region, s3 and aws4_request; unknown keys are 403', async () => {
    // A presigned GET of the probe made by a client with other settings.
    const presignedBy = async (overrides: S3ClientConfig) => {
      const other = client(overrides)
      try {
        return await getSignedUrl(
          other,
          new GetObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt' }),
        )
      } finally {
        other.destroy()
      }
    }
    const wrongRegion = await presignedBy({ region: 'eu-west-1' })
    const error = await xmlError(await fetch(wrongRegion))
    expect(error).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' })
    expect(error.text).toMatch(/eu-west-1/)

    const unknownKey = await presignedBy({
      credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'x' },
    })
    expect(await xmlError(await fetch(unknownKey))).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    })

    const forged = await presignedBy({
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'nope' },
    })
    expect(await xmlError(await fetch(forged))).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    })
  })

  it('an unsigned request to the private bucket is 403 AccessDenied', async () => {
    for (const [method, path] of [
      ['GET', '/media/probe/hello.txt'],
      ['PUT', '/media/probe/anonymous.txt'],
      ['GET', '/media?list-type=2'],
    ] as const) {
      const res = await fetch(`${fx.storage.endpoint}${path}`, {
        method,
        ...(method === 'PUT' ? { body: 'x' } : {}),
      })
      expect(await xmlError(res), `${method} ${path}`).toMatchObject({
        status: 403,
        code: 'AccessDenied',
      })
    }
  })
})

describe('presigned part PUTs pin their Content-Length', () => {
  it('a part PUT whose length differs from the signed one is refused; the exact one passes', async () => {
    const key = 'orgs/o/media/pinned/original/source.mp4'
    const uploadId = await newUpload(fx.s3, key)
    const url = await presignPart(fx.s3, { key, uploadId, partNumber: 1, contentLength: 1000 })
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host')
    for (const size of [999, 1001, 10]) {
      const res = await fetch(url, {
        method: 'PUT',
        body: new Uint8Array(size),
        headers: { origin },
      })
      expect(await xmlError(res), `${size} bytes`).toMatchObject({
        status: 403,
        code: 'SignatureDoesNotMatch',
      })
    }
    expect(await partNumbers(fx.s3, key, uploadId)).toEqual([])
    const ok = await fetch(url, {
      method: 'PUT',
      body: new Uint8Array(1000).fill(7),
      headers: { origin },
    })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('etag')).toBe(
      `"${createHash('md5').update(new Uint8Array(1000).fill(7)).digest('hex')}"`,
    )
    expect(await partNumbers(fx.s3, key, uploadId)).toEqual([1])
  })

  it('a part for an upload that does not exist is 404 NoSuchUpload', async () => {
    const url = await presignPart(fx.s3, { key: 'k/none', uploadId: 'nope', partNumber: 1 })
    expect(await xmlError(await fetch(url, { method: 'PUT', body: 'x' }))).toMatchObject({
      status: 404,
      code: 'NoSuchUpload',
    })
  })
})
