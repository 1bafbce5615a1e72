import { mkdirSync } from 'node:fs'
import S3rver from 's3rver'

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
  await server.run()
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    async stop() {
      await server.close()
    },
  }
}
