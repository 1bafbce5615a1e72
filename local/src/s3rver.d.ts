// s3rver ships no types; this covers the part of its API the platform uses.
declare module 's3rver' {
  interface S3rverOptions {
    address?: string
    port?: number
    silent?: boolean
    directory?: string
    resetOnClose?: boolean
    allowMismatchedSignatures?: boolean
    vhostBuckets?: boolean
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[]
  }
  export default class S3rver {
    constructor(options?: S3rverOptions)
    run(): Promise<{ address: string; port: number }>
    close(): Promise<void>
  }
}

declare module 's3rver/lib/middleware/cors.js' {
  const cors: () => (ctx: unknown, next: () => Promise<void>) => Promise<void>
  export default cors
}

declare module 's3rver/lib/models/account.js' {
  interface AWSAccount {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void
  }
  const account: { DUMMY_ACCOUNT: AWSAccount }
  export default account
}

declare module 's3rver/lib/models/error.js' {
  export default class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>)
    code: string
    status: number
    expose: boolean
  }
}
