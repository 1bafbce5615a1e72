// PROD-1: the storage stand-in refuses what S3 refuses. Every case here is a request real S3 (or
// Wasabi/MinIO, for DeleteObjects without Content-MD5) answers with an error; a stand-in that
// accepted it would let a broken presigned URL or client pass every test.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { Hash } from '@smithy/core/serde'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from './ports'
import { startStorage, type Storage } from './storage'

const origin = 'http://127.0.0.1:5173'
const MiB = 1024 * 1024
let dir: string
let storage: Storage
let s3: S3Client

function client(overrides: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) {
  return new S3Client({
    endpoint: storage.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    ...overrides,
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rc-s3-strict-'))
  storage = await startStorage({
    directory: dir,
    port: await freePort(),
    bucket: 'media',
    allowedOrigins: [origin],
  })
  s3 = client()
  await s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt', Body: 'hello' }))
})

afterAll(async () => {
  s3?.destroy()
  await storage?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function xmlError(res: Response): Promise<{ status: number; code: string; text: string }> {
  const text = await res.text()
  return { status: res.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '', text }
}

const presignGet = (key = 'probe/hello.txt', options: Parameters<typeof getSignedUrl>[2] = {}) =>
  getSignedUrl(s3, new GetObjectCommand({ Bucket: 'media', Key: key }), {
    expiresIn: 3600,
    ...options,
  })

async function newUpload(key: string): Promise<string> {
  const out = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'media', Key: key }))
  return out.UploadId as string
}

async function partNumbers(key: string, uploadId: string): Promise<number[]> {
  const listed = await s3.send(
    new ListPartsCommand({ Bucket: 'media', Key: key, UploadId: uploadId }),
  )
  return (listed.Parts ?? []).map((p) => p.PartNumber as number)
}

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
    const elsewhere = client({ region: 'eu-west-1' })
    const wrongRegion = await getSignedUrl(
      elsewhere,
      new GetObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt' }),
    )
    const error = await xmlError(await fetch(wrongRegion))
    expect(error).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' })
    expect(error.text).toMatch(/eu-west-1/)
    elsewhere.destroy()

    const stranger = client({ credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'x' } })
    const unknownKey = await getSignedUrl(
      stranger,
      new GetObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt' }),
    )
    expect(await xmlError(await fetch(unknownKey))).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    })
    stranger.destroy()

    const wrongSecret = client({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'nope' } })
    const forged = await getSignedUrl(
      wrongSecret,
      new GetObjectCommand({ Bucket: 'media', Key: 'probe/hello.txt' }),
    )
    expect(await xmlError(await fetch(forged))).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    })
    wrongSecret.destroy()
  })

  it('an unsigned request to the private bucket is 403 AccessDenied', async () => {
    for (const [method, path] of [
      ['GET', '/media/probe/hello.txt'],
      ['PUT', '/media/probe/anonymous.txt'],
      ['GET', '/media?list-type=2'],
    ] as const) {
      const res = await fetch(`${storage.endpoint}${path}`, {
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
    const uploadId = await newUpload(key)
    const url = await getSignedUrl(
      s3,
      new UploadPartCommand({
        Bucket: 'media',
        Key: key,
        UploadId: uploadId,
        PartNumber: 1,
        ContentLength: 1000,
      }),
      { expiresIn: 3600 },
    )
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
    expect(await partNumbers(key, uploadId)).toEqual([])
    const ok = await fetch(url, {
      method: 'PUT',
      body: new Uint8Array(1000).fill(7),
      headers: { origin },
    })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('etag')).toBe(
      `"${createHash('md5').update(new Uint8Array(1000).fill(7)).digest('hex')}"`,
    )
    expect(await partNumbers(key, uploadId)).toEqual([1])
  })

  it('a part for an upload that does not exist is 404 NoSuchUpload', async () => {
    const url = await getSignedUrl(
      s3,
      new UploadPartCommand({ Bucket: 'media', Key: 'k/none', UploadId: 'nope', PartNumber: 1 }),
    )
    expect(await xmlError(await fetch(url, { method: 'PUT', body: 'x' }))).toMatchObject({
      status: 404,
      code: 'NoSuchUpload',
    })
  })
})

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
    const url = new URL(`${storage.endpoint}/media/probe/signed-body.txt`)
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
    await s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'del/a.txt', Body: 'a' }))
    await expect(
      s3.send(
        new DeleteObjectsCommand({
          Bucket: 'media',
          Delete: { Objects: [{ Key: 'del/a.txt' }], Quiet: true },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } })
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: 'media', Key: 'del/a.txt' }))).ContentLength,
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
      s3.send(new HeadObjectCommand({ Bucket: 'media', Key: 'del/a.txt' })),
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
    const uploadId = await newUpload(key)
    const sizes = [5 * MiB, 1234]
    const presign = (partNumber: number) =>
      getSignedUrl(
        s3,
        new UploadPartCommand({
          Bucket: 'media',
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          ContentLength: sizes[partNumber - 1],
        }),
      )
    const body = (n: number) => new Uint8Array(sizes[n - 1] as number).fill(n)
    const put1 = await fetch(await presign(1), { method: 'PUT', body: body(1) })
    expect(put1.status).toBe(200)

    await cutOffPut(await presign(2), sizes[1] as number, 600)
    await storage.idle()
    expect(await partNumbers(key, uploadId)).toEqual([1])

    // Cut off again, this time a part that already existed: the stored one survives intact.
    await cutOffPut(await presign(1), sizes[0] as number, 2 * MiB)
    await storage.idle()
    const listed = await s3.send(
      new ListPartsCommand({ Bucket: 'media', Key: key, UploadId: uploadId }),
    )
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 * MiB, put1.headers.get('etag')],
    ])

    const put2 = await fetch(await presign(2), { method: 'PUT', body: body(2) })
    expect(put2.status).toBe(200)
    await s3.send(
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
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'media', Key: key }))
    expect(head.ContentLength).toBe(5 * MiB + 1234)
  })
})

describe('CompleteMultipartUpload checks its parts as S3 does', () => {
  it('EntityTooSmall for a small non-last part, InvalidPart for a wrong ETag, InvalidPartOrder', async () => {
    const key = 'orgs/o/media/small/original/source.mp4'
    const uploadId = await newUpload(key)
    const etags: string[] = []
    for (const [n, size] of [
      [1, 1000],
      [2, 1000],
    ] as const) {
      const out = await s3.send(
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
      s3.send(
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
      (await s3.send(new HeadObjectCommand({ Bucket: 'media', Key: key }))).ContentLength,
    ).toBe(1000)
  })
})
