// Header auth: SDK requests signed in the Authorization header, with S3's clock-skew limit.
import { s3Error } from './errors'
import {
  baseRequest,
  checkEverythingSigned,
  checkScope,
  headerValue,
  iso,
  MAX_SKEW_MS,
  parseAmzDate,
  secretFor,
  signatureMismatch,
  signedHeaderBag,
  signer,
  type IncomingSigned,
  type Query,
  type Verified,
  type VerifierOptions,
} from './sigv4-common'

const PAYLOAD_HASH = /^(UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+|[0-9a-fA-F]{64})$/

export async function verifyHeader(
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
