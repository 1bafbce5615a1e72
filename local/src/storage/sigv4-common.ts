// The parts of SigV4 verification that query auth (presigned URLs) and header auth share:
// parsing the request target, the credential scope, the signer, and S3's refusals.
import type { IncomingHttpHeaders } from 'node:http'
import { escapeUri } from '@smithy/core/protocols'
import { Hash } from '@smithy/core/serde'
import { SignatureV4 } from '@smithy/signature-v4'
import { s3Error } from './errors'

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
/** S3's limit on presigned URL lifetime (7 days) and on clock skew for header auth (15 min). */
export const MAX_PRESIGN_SECONDS = 604_800
export const MAX_SKEW_MS = 15 * 60_000

export interface VerifierOptions {
  region: string
  /** access key id → secret */
  credentials: ReadonlyMap<string, string>
}

export interface IncomingSigned {
  method: string
  /** The request target exactly as sent: percent-encoded path and query. */
  url: string
  headers: IncomingHttpHeaders
  now: Date
}

export interface Verified {
  accessKeyId: string
  /** The payload hash the signature covers: a hex SHA-256 (checked against the body later). */
  payloadHash: string
}

export type Query = Record<string, string | string[]>
export type SignableRequest = Parameters<SignatureV4['presign']>[0]

export const decode = (s: string, plusIsSpace: boolean) => {
  try {
    return decodeURIComponent(plusIsSpace ? s.replace(/\+/g, ' ') : s)
  } catch {
    throw s3Error('InvalidURI', "Couldn't parse the specified URI.", {}, 400)
  }
}

export function parseTarget(url: string): { path: string; query: Query } {
  const at = url.indexOf('?')
  const rawPath = at < 0 ? url : url.slice(0, at)
  const rawQuery = at < 0 ? '' : url.slice(at + 1)
  const query: Query = {}
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), true)
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1), true)
    const existing = query[key]
    query[key] =
      existing === undefined
        ? value
        : Array.isArray(existing)
          ? [...existing, value]
          : [existing, value]
  }
  // S3 canonicalizes the path itself: each segment decoded, then URI-encoded once (the SDK's
  // S3 signer does not double-encode), so `~` and `%7E` sign the same.
  const path = rawPath
    .split('/')
    .map((segment) => escapeUri(decode(segment, false)))
    .join('/')
  return { path, query }
}

export const single = (v: string | string[] | null | undefined): string | undefined =>
  (Array.isArray(v) ? v[0] : v) ?? undefined

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value ? AMZ_DATE.exec(value) : null
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[]
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s))
  return Number.isNaN(date.getTime()) ? undefined : date
}

export const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

export interface Scope {
  accessKeyId: string
  date: string
  region: string
  service: string
  terminal: string
}

/** Validates `<key>/<yyyymmdd>/<region>/s3/aws4_request` against the request date and region. */
export function checkScope(
  credential: string,
  longDate: string,
  options: VerifierOptions,
  fail: (message: string, detail?: Record<string, string>) => Error,
): Scope {
  const parts = credential.split('/')
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw fail(
      'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    )
  }
  const [accessKeyId, date, region, service, terminal] = parts as [
    string,
    string,
    string,
    string,
    string,
  ]
  if (!/^\d{8}$/.test(date)) {
    throw fail(
      'incorrect date format "' +
        date +
        '". This date in the credential must be in the format "yyyyMMdd".',
    )
  }
  if (date !== longDate.slice(0, 8)) {
    throw fail(
      'Invalid credential date "' +
        date +
        '". This date is not the same as X-Amz-Date: "' +
        longDate.slice(0, 8) +
        '".',
    )
  }
  if (region !== options.region) {
    throw fail(`the region '${region}' is wrong; expecting '${options.region}'`, {
      Region: options.region,
    })
  }
  if (service !== 's3') throw fail(`incorrect service "${service}". This endpoint belongs to "s3".`)
  if (terminal !== 'aws4_request') {
    throw fail(`incorrect terminal "${terminal}". This endpoint uses "aws4_request".`)
  }
  return { accessKeyId, date, region, service, terminal }
}

export function secretFor(options: VerifierOptions, accessKeyId: string): string {
  const secret = options.credentials.get(accessKeyId)
  if (secret === undefined) {
    throw s3Error(
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      { AWSAccessKeyId: accessKeyId },
      403,
    )
  }
  return secret
}

/** S3 refuses x-amz-* headers the signature does not cover, and an unsigned Host. */
export function checkEverythingSigned(
  headers: IncomingHttpHeaders,
  signed: string[],
  fromQuery: Query,
) {
  const covered = new Set(signed)
  const queryNames = new Set(Object.keys(fromQuery).map((k) => k.toLowerCase()))
  const unsigned = Object.keys(headers).filter(
    (name) => name.startsWith('x-amz-') && !covered.has(name) && !queryNames.has(name),
  )
  if (!covered.has('host')) unsigned.unshift('host')
  if (unsigned.length) {
    throw s3Error(
      'AccessDenied',
      'There were headers present in the request which were not signed',
      { HeadersNotSigned: unsigned.join(', ') },
      403,
    )
  }
}

export function signer(region: string, accessKeyId: string, secretAccessKey: string) {
  return new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region,
    service: 's3',
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as sent (no second encoding), like the SDK's S3 presigner.
    uriEscapePath: false,
    applyChecksum: false,
  })
}

export function signatureMismatch(accessKeyId: string, provided: string) {
  return s3Error(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { AWSAccessKeyId: accessKeyId, SignatureProvided: provided },
    403,
  )
}

export function signedHeaderBag(
  headers: IncomingHttpHeaders,
  signed: string[],
): Record<string, string> {
  const bag: Record<string, string> = {}
  for (const name of signed) {
    const value = headerValue(headers, name)
    if (value !== undefined) bag[name] = value
  }
  return bag
}

export function baseRequest(
  input: IncomingSigned,
  path: string,
  query: Query,
  headers: Record<string, string>,
): SignableRequest {
  return {
    method: input.method.toUpperCase(),
    protocol: 'http:',
    hostname: 'stand-in',
    path,
    query,
    headers,
  }
}
