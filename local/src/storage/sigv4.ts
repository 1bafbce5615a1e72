// SigV4 verification as S3 performs it, for presigned URLs (query auth) and for header-signed SDK
// requests. The expected signature is computed by the AWS SDK's own signer (@smithy/signature-v4)
// from exactly the headers the client says it signed, so the stand-in and the clients cannot share
// a hand-written mistake. The checks around it (credential scope, dates, expiry, unsigned x-amz-*
// headers) and their error codes and messages follow S3's documented answers.
import { s3Error } from './errors'
import {
  headerValue,
  parseTarget,
  type IncomingSigned,
  type Verified,
  type VerifierOptions,
} from './sigv4-common'
import { verifyHeader } from './sigv4-header'
import { verifyQuery } from './sigv4-query'

export { type IncomingSigned, type Verified, type VerifierOptions } from './sigv4-common'

/** Verifies the request's signature or throws the S3 error S3 would answer. */
export async function verifySigV4(
  input: IncomingSigned,
  options: VerifierOptions,
): Promise<Verified> {
  const { path, query } = parseTarget(input.url)
  const byHeader = headerValue(input.headers, 'authorization') !== undefined
  const byQuery = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some((k) => k in query)
  const byQueryV2 = 'Signature' in query && 'AWSAccessKeyId' in query
  if ([byHeader, byQuery, byQueryV2].filter(Boolean).length > 1) {
    throw s3Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      { ArgumentName: 'Authorization' },
      400,
    )
  }
  if (byQueryV2) {
    throw s3Error(
      'InvalidRequest',
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
      {},
      400,
    )
  }
  if (byHeader) return verifyHeader(input, path, query, options)
  if (byQuery) return verifyQuery(input, path, query, options)
  // The media bucket is private: anonymous requests are refused, as on S3 with public access blocked.
  throw s3Error('AccessDenied', 'Access Denied', {}, 403)
}
