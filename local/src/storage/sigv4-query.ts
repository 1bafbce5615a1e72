// Query auth: presigned URLs, with S3's checks of X-Amz-Expires and the signing date.
import { s3Error } from './errors'
import {
  baseRequest,
  checkEverythingSigned,
  checkScope,
  iso,
  MAX_PRESIGN_SECONDS,
  MAX_SKEW_MS,
  parseAmzDate,
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

export async function verifyQuery(
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
