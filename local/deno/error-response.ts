// The error envelope the functions host and each function's runner answer with when the function
// itself cannot (not booted, crashed, threw), with what Supabase's runtime adds to its own errors.
export function errorResponse(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: {
      'content-type': 'application/json',
      'x-request-id': crypto.randomUUID(),
      'access-control-allow-origin': '*',
      'sb-error-code': code,
    },
  })
}
