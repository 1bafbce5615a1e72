// SigV4 verification as S3 performs it, for presigned URLs (query auth) and for header-signed SDK
// requests. The expected signature is computed by the AWS SDK's own signer (@smithy/signature-v4)
// from exactly the headers the client says it signed, so the stand-in and the clients cannot share
// a hand-written mistake. The checks around it (credential scope, dates, expiry, unsigned x-amz-*
// headers) and their error codes and messages follow S3's documented answers.
import { s3Error } from './errors'
import {
  baseRequest,
  checkEverythingSigned,
  checkScope,
  headerValue,
  iso,
  MAX_PRESIGN_SECONDS,
  MAX_SKEW_MS,
  parseAmzDate,
  parseTarget,
  secretFor,
  signatureMismatch,
  signedHeaderBag,
  signer,
  single,
  UNSIGNED_PAYLOAD,
  type IncomingSigned,
  type Query,
  type Verified,
  type VerifierOptions,
} from './sigv4-common'

export { type IncomingSigned, type Verified, type VerifierOptions } from './sigv4-common'

/** Query auth: presigned URLs, with S3's checks of X-Amz-Expires and the signing date. */
async function verifyQuery(
  input: IncomingSigned,
  path: string,
  query: Query,
  options: VerifierOptions,
): Promise<Verified> {
  const queryError = (message: string, detail: Record<string, string> = {}) =>
    s3Error('AuthorizationQueryParametersError', message, detail, 400)
  if (single(query['X-Amz-Algorithm']) !== 'AWS4-HMAC-SHA256') {
    throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
  }
  const required = [
    'X-Amz-Credential',
    'X-Amz-Signature',
    'X-Amz-Date',
    'X-Amz-SignedHeaders',
    'X-Amz-Expires',
  ]
  if (required.some((name) => single(query[name]) === undefined)) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    )
  }
  const longDate = single(query['X-Amz-Date']) as string
  const date = parseAmzDate(longDate)
  if (!date)
    throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
  const expiresText = single(query['X-Amz-Expires']) as string
  if (!/^-?\d+$/.test(expiresText)) throw queryError('X-Amz-Expires should be a number')
  const expires = Number(expiresText)
  if (expires < 0) throw queryError('X-Amz-Expires must be non-negative')
  if (expires > MAX_PRESIGN_SECONDS) {
    throw queryError(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    )
  }
  const scope = checkScope(
    single(query['X-Amz-Credential']) as string,
    longDate,
    options,
    (message, detail) =>
      queryError(`Error parsing the X-Amz-Credential parameter; ${message}`, detail),
  )
  const secret = secretFor(options, scope.accessKeyId)
  if (date.getTime() - input.now.getTime() > MAX_SKEW_MS) {
    throw s3Error('AccessDenied', 'Request is not valid yet', { 'X-Amz-Date': longDate }, 403)
  }
  const expiresAt = new Date(date.getTime() + expires * 1000)
  if (input.now > expiresAt) {
    throw s3Error(
      'AccessDenied',
      'Request has expired',
      { 'X-Amz-Expires': expiresText, Expires: iso(expiresAt), ServerTime: iso(input.now) },
      403,
    )
  }
  const signedText = single(query['X-Amz-SignedHeaders']) as string
  const signed = signedText.split(';')
  checkEverythingSigned(input.headers, signed, query)

  const provided = single(query['X-Amz-Signature']) as string
  const headers = signedHeaderBag(input.headers, signed)
  // Query auth signs UNSIGNED-PAYLOAD unless the client signed a payload hash itself.
  const payloadHash =
    headers['x-amz-content-sha256'] ?? single(query['X-Amz-Content-Sha256']) ?? UNSIGNED_PAYLOAD
  const request = baseRequest(
    input,
    path,
    { ...query },
    { ...headers, 'x-amz-content-sha256': payloadHash },
  )
  delete request.query!['X-Amz-Signature']
  const expected = await signer(options.region, scope.accessKeyId, secret).presign(request, {
    signingDate: date,
    expiresIn: expires,
    signableHeaders: new Set(signed),
    unsignableHeaders: signed.includes('x-amz-content-sha256')
      ? new Set()
      : new Set(['x-amz-content-sha256']),
    // Keep every header where the client had it; the query already holds what it hoisted.
    unhoistableHeaders: new Set([...signed, 'x-amz-content-sha256']),
  })
  if (
    single(expected.query?.['X-Amz-SignedHeaders']) !== signedText ||
    single(expected.query?.['X-Amz-Signature']) !== provided
  ) {
    throw signatureMismatch(scope.accessKeyId, provided)
  }
  return { accessKeyId: scope.accessKeyId, payloadHash }
}

/** Header auth: SDK requests signed in the Authorization header, within S3's clock skew. */
const PAYLOAD_HASH = /^(UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+|[0-9a-fA-F]{64})$/

async function verifyHeader(
  input: IncomingSigned,
  path: string,
  query: Query,
  options: VerifierOptions,
): Promise<Verified> {
  const authorization = headerValue(input.headers, 'authorization') as string
  if (/^AWS /.test(authorization)) {
    throw s3Error(
      'InvalidRequest',
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
      {},
      400,
    )
  }
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    throw s3Error(
      'InvalidArgument',
      'Unsupported Authorization Type',
      { ArgumentName: 'Authorization' },
      400,
    )
  }
  const components = new Map(
    authorization
      .slice('AWS4-HMAC-SHA256 '.length)
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => {
        const eq = c.indexOf('=')
        return [eq < 0 ? c : c.slice(0, eq), eq < 0 ? '' : c.slice(eq + 1)] as const
      }),
  )
  const malformed = (message: string, detail: Record<string, string> = {}) =>
    s3Error(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; ${message}`,
      detail,
      400,
    )
  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!components.get(name)) {
      throw malformed(
        'the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      )
    }
  }
  const payloadHash = headerValue(input.headers, 'x-amz-content-sha256')
  if (payloadHash === undefined) {
    throw s3Error(
      'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256',
      {},
      400,
    )
  }
  if (!PAYLOAD_HASH.test(payloadHash)) {
    throw s3Error(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.',
      { ArgumentName: 'x-amz-content-sha256', ArgumentValue: payloadHash },
      400,
    )
  }
  if (payloadHash.startsWith('STREAMING-')) {
    // aws-chunked bodies: our clients never send them (requestChecksumCalculation WHEN_REQUIRED).
    throw s3Error(
      'NotImplemented',
      'A header you provided implies functionality the local storage stand-in does not offer (aws-chunked bodies)',
      { Header: 'x-amz-content-sha256' },
      501,
    )
  }
  const longDate = headerValue(input.headers, 'x-amz-date')
  const date = parseAmzDate(longDate)
  if (!date || !longDate) {
    throw s3Error(
      'AccessDenied',
      'AWS authentication requires a valid Date or x-amz-date header',
      {},
      403,
    )
  }
  if (Math.abs(input.now.getTime() - date.getTime()) > MAX_SKEW_MS) {
    throw s3Error(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      { RequestTime: longDate, ServerTime: iso(input.now), MaxAllowedSkewMilliseconds: '900000' },
      403,
    )
  }
  const scope = checkScope(components.get('Credential') as string, longDate, options, malformed)
  const secret = secretFor(options, scope.accessKeyId)
  const signedText = components.get('SignedHeaders') as string
  const signed = signedText.split(';')
  checkEverythingSigned(input.headers, signed, {})
  const provided = components.get('Signature') as string
  const request = baseRequest(input, path, query, signedHeaderBag(input.headers, signed))
  const expected = await signer(options.region, scope.accessKeyId, secret).sign(request, {
    signingDate: date,
    signableHeaders: new Set(signed),
  })
  const produced = String(expected.headers.authorization ?? '')
  if (
    !produced.includes(`SignedHeaders=${signedText},`) ||
    !produced.endsWith(`Signature=${provided}`)
  ) {
    throw signatureMismatch(scope.accessKeyId, provided)
  }
  return { accessKeyId: scope.accessKeyId, payloadHash }
}

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
