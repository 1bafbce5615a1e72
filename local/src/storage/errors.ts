import S3Error from 's3rver/lib/models/error.js'

/**
 * An S3 error answer (XML body `<Error><Code>…`), rendered by s3rver's error handler. s3rver's
 * status table lacks some codes real S3 uses (XAmzContentSHA256Mismatch), so the status can be
 * given; S3's documented status is used throughout.
 */
export function s3Error(
  code: string,
  message: string,
  detail: Record<string, string | number> = {},
  status?: number,
): S3Error {
  const error = new S3Error(
    code,
    message,
    Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, String(v)])),
  )
  if (status !== undefined) {
    error.status = status
    error.expose = status < 500
  }
  return error
}
