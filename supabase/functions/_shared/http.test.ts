import assert from 'node:assert/strict'
import { z } from 'zod'
import { HttpError, parseBody, requestIdOf, uuidParam } from './http.ts'

const Schema = z.object({ name: z.string().min(1).max(5), size: z.number().int() }).strict()
const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://x/', { method: 'POST', body, headers })

async function rejectsWith(promise: Promise<unknown>, status: number, code: string) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof HttpError)
    assert.equal(err.status, status)
    assert.equal(err.code, code)
    return true
  })
}

Deno.test('parseBody accepts valid JSON', async () => {
  assert.deepEqual(await parseBody(post('{"name":"a","size":1}'), Schema), { name: 'a', size: 1 })
})

Deno.test('parseBody: malformed JSON, wrong types, oversized strings, huge body', async () => {
  await rejectsWith(parseBody(post('{"name":'), Schema), 400, 'INVALID_JSON')
  await rejectsWith(parseBody(post('{"name":1,"size":"x"}'), Schema), 400, 'VALIDATION_FAILED')
  await rejectsWith(
    parseBody(post('{"name":"toolong","size":1}'), Schema),
    400,
    'VALIDATION_FAILED',
  )
  await rejectsWith(parseBody(post('[]'), Schema), 400, 'VALIDATION_FAILED')
  await rejectsWith(parseBody(post('x'.repeat(300 * 1024)), Schema), 413, 'PAYLOAD_TOO_LARGE')
  // A lying content-length is refused before reading.
  await rejectsWith(
    parseBody(post('{}', { 'content-length': String(10 * 1024 * 1024) }), Schema),
    413,
    'PAYLOAD_TOO_LARGE',
  )
})

Deno.test('validation failures name the fields', async () => {
  try {
    await parseBody(post('{"name":""}'), Schema)
    assert.fail('expected a validation error')
  } catch (err) {
    assert.ok(err instanceof HttpError)
    const fields = (err.details as { fieldErrors: Record<string, string[]> }).fieldErrors
    assert.deepEqual(Object.keys(fields).sort(), ['name', 'size'])
  }
})

Deno.test('request ids: a sane incoming id is kept, anything else is replaced', () => {
  const withId = (id: string) => new Request('http://x/', { headers: { 'x-request-id': id } })
  assert.equal(requestIdOf(withId('abc-123')), 'abc-123')
  assert.notEqual(requestIdOf(withId('bad id "quoted" ')), 'bad id "quoted" ')
  assert.notEqual(requestIdOf(withId('x'.repeat(500))), 'x'.repeat(500))
  assert.match(requestIdOf(new Request('http://x/')), /^[0-9a-f-]{36}$/)
})

Deno.test('uuidParam turns a non-UUID into 404', () => {
  assert.throws(
    () => uuidParam('1 or 1=1'),
    (err) => err instanceof HttpError && err.status === 404,
  )
  assert.equal(
    uuidParam('11111111-1111-4111-8111-111111111111'),
    '11111111-1111-4111-8111-111111111111',
  )
})
