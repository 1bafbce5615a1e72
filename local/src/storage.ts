import { mkdirSync } from 'node:fs'
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import S3rver from 's3rver'
import authentication from 's3rver/lib/middleware/authentication.js'
import S3Error from 's3rver/lib/models/error.js'

export interface StorageOptions {
  directory: string
  port: number
  bucket: string
  /** Origins the browser uploads from (the SPA). */
  allowedOrigins: string[]
}

export interface Storage {
  endpoint: string
  stop(): Promise<void>
}

function corsXml(origins: string[]): string {
  const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join('')
  const methods = ['GET', 'PUT', 'POST', 'HEAD', 'DELETE']
    .map((method) => `<AllowedMethod>${method}</AllowedMethod>`)
    .join('')
  // ETag must be exposed: the browser reads it from every part PUT to complete the upload.
  return `<CORSConfiguration><CORSRule>${allowed}${methods}<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`
}

/** s3rver on loopback with the media bucket and the SPA's CORS rule, rewritten on every start. */
export async function startStorage(options: StorageOptions): Promise<Storage> {
  mkdirSync(options.directory, { recursive: true })
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    silent: true,
    directory: options.directory,
    // Path-style only: presigned URLs sign http://127.0.0.1:PORT/<bucket>/<key>.
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket, configs: [corsXml(options.allowedOrigins)] }],
  })
  installMultipartExtras(server)
  await server.run()
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    async stop() {
      await server.close()
    },
  }
}

interface KoaContext {
  method: string
  path: string
  query: Record<string, string | undefined>
  params: Record<string, string>
  status: number
  body: unknown
}
type Next = () => Promise<void>

/**
 * s3rver 3.7 lacks ListParts and AbortMultipartUpload, which resumable uploads need (the upload
 * function asks storage which parts arrived, and aborts cancelled uploads). They are served here
 * from s3rver's own multipart files (`<bucket>/<uploads dir>/<uploadId>/{key,N,N.md5}`), behind
 * s3rver's signature check, just before its router.
 */
function installMultipartExtras(server: S3rver): void {
  const internals = server as unknown as {
    middleware: ((ctx: KoaContext, next: Next) => Promise<void>)[]
    store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string }
  }
  const checkSignature = authentication()

  const uploadDir = async (bucket: string, key: string, uploadId: string): Promise<string> => {
    const dir = join(internals.store.getResourcePath(bucket, undefined, 'uploads'), uploadId)
    const storedKey = await readFile(join(dir, 'key'), 'utf8').catch(() => undefined)
    if (!/^[\w-]+$/.test(uploadId) || storedKey !== key) {
      throw new S3Error(
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        { UploadId: uploadId },
      )
    }
    return dir
  }

  const listParts = async (ctx: KoaContext, bucket: string, key: string, uploadId: string) => {
    const dir = await uploadDir(bucket, key, uploadId)
    const marker = Number(ctx.query['part-number-marker'] ?? 0) || 0
    const maxParts = Math.min(Number(ctx.query['max-parts'] ?? 1000) || 1000, 1000)
    const numbers = (await readdir(dir))
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((n) => n > marker)
      .sort((a, b) => a - b)
    const page = numbers.slice(0, maxParts)
    const parts = await Promise.all(
      page.map(async (n) => {
        const [info, md5] = await Promise.all([
          stat(join(dir, String(n))),
          readFile(join(dir, `${n}.md5`), 'utf8'),
        ])
        return {
          PartNumber: n,
          LastModified: info.mtime.toISOString(),
          ETag: `"${md5.trim()}"`,
          Size: info.size,
        }
      }),
    )
    const truncated = numbers.length > page.length
    ctx.body = {
      ListPartsResult: {
        '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        StorageClass: 'STANDARD',
        PartNumberMarker: marker,
        NextPartNumberMarker: page.length ? page[page.length - 1] : marker,
        MaxParts: maxParts,
        IsTruncated: truncated,
        Part: parts,
      },
    }
  }

  const extras = async (ctx: KoaContext, next: Next) => {
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path)
    const uploadId = ctx.query.uploadId
    const wanted =
      match &&
      uploadId !== undefined &&
      ctx.query.partNumber === undefined &&
      (ctx.method === 'GET' || ctx.method === 'DELETE')
    if (!wanted) return next()
    const bucket = decodeURIComponent(match[1] as string)
    const key = decodeURIComponent(match[2] as string)
    ctx.params = { ...ctx.params, bucket, key }
    await checkSignature(ctx, async () => {
      if (ctx.method === 'GET') return listParts(ctx, bucket, key, uploadId)
      await rm(await uploadDir(bucket, key, uploadId), { recursive: true, force: true })
      ctx.status = 204
      ctx.body = ''
    })
  }
  // Right before the router, after s3rver's XML encoder and error handling.
  internals.middleware.splice(internals.middleware.length - 1, 0, extras)
}
