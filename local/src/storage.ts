import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage, Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import S3rver from 's3rver'
import corsMiddleware from 's3rver/lib/middleware/cors.js'
import account from 's3rver/lib/models/account.js'
import { checkDigests, checkPutLength, incomingPath, receiveBody } from './storage/body'
import { s3Error } from './storage/errors'
import { listPartsResult, Multipart, partNumberOf, withLock } from './storage/multipart'
import { verifySigV4, type VerifierOptions } from './storage/sigv4'

export interface StorageOptions {
  directory: string
  port: number
  bucket: string
  /** Origins the browser uploads from (the SPA). */
  allowedOrigins: string[]
  /** The region and key pair clients sign with (S3_REGION, S3_ACCESS_KEY_ID/SECRET). */
  region?: string
  accessKeyId?: string
  secretAccessKey?: string
}

export interface Storage {
  endpoint: string
  stop(): Promise<void>
  /** Resolves once no request is being handled (tests wait on it after cutting one off). */
  idle(): Promise<void>
}

function corsXml(origins: string[]): string {
  const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join('')
  const methods = ['GET', 'PUT', 'POST', 'HEAD', 'DELETE']
    .map((method) => `<AllowedMethod>${method}</AllowedMethod>`)
    .join('')
  // ETag must be exposed: the browser reads it from every part PUT to complete the upload.
  return `<CORSConfiguration><CORSRule>${allowed}${methods}<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`
}

/**
 * The S3 stand-in: s3rver for its object store and XML, behind a layer that holds it to S3
 * (PROD-1). s3rver 3.7 accepts any V4 signature, stores a part or object from whatever bytes
 * arrived before a connection dropped, and lacks ListParts/AbortMultipartUpload; the layer in
 * front verifies every signature with the AWS SDK's signer, reads each body whole and checks its
 * digests before anything is stored, and serves the multipart operations itself.
 */
export async function startStorage(options: StorageOptions): Promise<Storage> {
  mkdirSync(options.directory, { recursive: true })
  const accessKeyId = options.accessKeyId ?? 'S3RVER'
  const secretAccessKey = options.secretAccessKey ?? 'S3RVER'
  // s3rver's own (lenient) check still runs behind ours; it must know the key too.
  account.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey)
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    silent: true,
    directory: options.directory,
    // Path-style only: presigned URLs sign http://127.0.0.1:PORT/<bucket>/<key>.
    vhostBuckets: false,
    configureBuckets: [
      {
        name: options.bucket,
        // No origins, no CORS rule (a rule without an origin is invalid XML to S3).
        configs: options.allowedOrigins.length ? [corsXml(options.allowedOrigins)] : [],
      },
    ],
  })
  const tracker = trackRequests(server)
  // Object bodies wait here until they are whole and checked (never inside a bucket).
  const incoming = mkdtempSync(join(tmpdir(), 'rc-s3-incoming-'))
  installStrictLayer(server, incoming, {
    region: options.region ?? 'us-east-1',
    credentials: new Map([[accessKeyId, secretAccessKey]]),
  })
  await server.run()
  const http = (server as unknown as { httpServer: Server }).httpServer
  // S3 limits idle time, not the length of a transfer: a 10 MiB part on a slow club link may take
  // longer than Node's default 5-minute request timeout.
  http.requestTimeout = 0
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    async stop() {
      await server.close()
      rmSync(incoming, { recursive: true, force: true })
    },
    idle: tracker.idle,
  }
}

interface KoaContext {
  method: string
  path: string
  url: string
  req: IncomingMessage
  request: { req: IncomingMessage }
  query: Record<string, string | string[] | undefined>
  params: Record<string, string>
  status: number
  body: unknown
  etag: string
  get(name: string): string
}
type Next = () => Promise<void>
type Middleware = (ctx: KoaContext, next: Next) => Promise<void>

interface Internals {
  middleware: Middleware[]
  store: {
    getResourcePath(bucket: string, key: string | undefined, resource: string): string
    putObjectMultipart(
      bucket: string,
      uploadId: string,
      parts: { number: number; etag: string }[],
    ): Promise<unknown>
  }
}

function trackRequests(server: S3rver) {
  let inFlight = 0
  let waiters: (() => void)[] = []
  const internals = server as unknown as Internals
  internals.middleware.unshift(async (_ctx, next) => {
    inFlight++
    try {
      await next()
    } finally {
      inFlight--
      if (inFlight === 0) {
        const ready = waiters
        waiters = []
        // After the response is written: the handler's last effects are on disk by then.
        setImmediate(() => ready.forEach((resolve) => resolve()))
      }
    }
  })
  return {
    idle: () =>
      new Promise<void>((resolve) => {
        if (inFlight === 0) setImmediate(resolve)
        else waiters.push(resolve)
      }),
  }
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw s3Error('InvalidURI', "Couldn't parse the specified URI.", {}, 400)
  }
}

function installStrictLayer(server: S3rver, incoming: string, verifier: VerifierOptions): void {
  const internals = server as unknown as Internals
  const uploadsRoot = (bucket: string) =>
    internals.store.getResourcePath(bucket, undefined, 'uploads')
  const multipart = new Multipart(uploadsRoot)
  const cors = corsMiddleware() as unknown as Middleware

  // s3rver assembles the object from the listed parts without checking them; S3 checks first.
  const assemble = internals.store.putObjectMultipart.bind(internals.store)
  internals.store.putObjectMultipart = (bucket, uploadId, parts) =>
    withLock(uploadId, async () => {
      await multipart.checkCompletion(join(uploadsRoot(bucket), uploadId), uploadId, parts)
      return assemble(bucket, uploadId, parts)
    })

  const strict: Middleware = async (ctx, next) => {
    // CORS preflights carry no credentials on S3 either; s3rver's CORS rules answer them.
    if (ctx.method === 'OPTIONS') return next()
    const match = /^\/([^/]+)(?:\/(.*))?$/.exec(ctx.path)
    const bucket = match ? decodeSegment(match[1] as string) : ''
    const key = match?.[2] ? decodeSegment(match[2]) : ''
    if (bucket) {
      ctx.params = { ...ctx.params, bucket, ...(key ? { key } : {}) }
      // S3 applies the bucket's CORS rule to error answers too, so the browser can read them.
      await cors(ctx, async () => {})
    }
    const { payloadHash } = await verifySigV4(
      {
        method: ctx.method,
        url: ctx.req.url ?? ctx.url,
        headers: ctx.req.headers,
        now: new Date(),
      },
      verifier,
    )
    const uploadId = one(ctx.query.uploadId)
    const headers = { ...amzQueryHeaders(ctx.query), ...ctx.req.headers }

    if (key && uploadId !== undefined && ctx.method === 'PUT' && 'partNumber' in ctx.query) {
      if (ctx.get('x-amz-copy-source')) {
        throw s3Error(
          'NotImplemented',
          'UploadPartCopy is not offered by the local storage stand-in (our clients never copy parts)',
          {},
          501,
        )
      }
      const number = partNumberOf(one(ctx.query.partNumber))
      checkPutLength(ctx.req.headers)
      const dir = await multipart.dir(bucket, key, uploadId)
      const body = await receiveBody(ctx.req, { file: incomingPath(dir) })
      try {
        checkDigests(body, headers, payloadHash)
      } catch (error) {
        await rm(body.file as string, { force: true })
        throw error
      }
      const md5 = body.md5.toString('hex')
      await multipart.commitPart(bucket, key, uploadId, number, body.file as string, md5)
      ctx.etag = md5
      ctx.status = 200
      ctx.body = ''
      return
    }
    if (key && uploadId !== undefined && ctx.method === 'GET' && !('partNumber' in ctx.query)) {
      ctx.body = await withLock(uploadId, async () => {
        const dir = await multipart.dir(bucket, key, uploadId)
        return listPartsResult(bucket, key, uploadId, await multipart.parts(dir), ctx.query)
      })
      return
    }
    if (key && uploadId !== undefined && ctx.method === 'DELETE') {
      await multipart.abort(bucket, key, uploadId)
      ctx.status = 204
      ctx.body = ''
      return
    }
    if (ctx.method !== 'PUT' && ctx.method !== 'POST') return next()

    if (key && uploadId !== undefined) await multipart.dir(bucket, key, uploadId)
    if (!key && 'delete' in ctx.query && !ctx.get('content-md5')) {
      // MinIO and Wasabi refuse a DeleteObjects without Content-MD5 (S3 also takes an
      // x-amz-checksum-* header instead); the stand-in holds clients to the stricter stores.
      throw s3Error(
        'InvalidRequest',
        'Missing required header for this request: Content-MD5',
        { ArgumentName: 'Content-MD5' },
        400,
      )
    }
    let file: string | undefined
    if (ctx.method === 'PUT') checkPutLength(ctx.req.headers)
    if (ctx.method === 'PUT' && key) file = incomingPath(incoming)
    const body = await receiveBody(ctx.req, file ? { file } : {})
    try {
      checkDigests(body, headers, payloadHash)
      // s3rver's handlers read `ctx.req`; hand them the checked body instead of the socket.
      ctx.req = (file
        ? createReadStream(file)
        : Readable.from([body.bytes as Buffer])) as unknown as IncomingMessage
      await next()
    } finally {
      if (file) await rm(file, { force: true })
    }
  }
  // Right before the router, after s3rver's XML encoder and error handling.
  internals.middleware.splice(internals.middleware.length - 1, 0, strict)
}

/** x-amz-* values sent in a presigned URL's query count as the headers of the same name. */
function amzQueryHeaders(query: KoaContext['query']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(query)) {
    const lower = name.toLowerCase()
    if (lower.startsWith('x-amz-checksum-') && one(value) !== undefined) out[lower] = one(value)!
  }
  return out
}
