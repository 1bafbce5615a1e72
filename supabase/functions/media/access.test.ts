// Integration: who may touch media, and bad input that must never yield a 5xx.
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import { api } from '../_shared/testing.ts'
import { MiB, opts, setup } from './test-support.ts'

Deno.test({
  ...opts,
  name: 'permissions: outsiders get 404, members cannot upload, nobody uploads into another org',
  fn: async () => {
    const { coach, player, outsider, org, otherOrg } = await setup()
    const created = await api('media/uploads', {
      token: coach.token,
      body: { orgId: org.id, fileName: 'perm.mp4', sizeBytes: 100, contentType: 'video/mp4' },
    })
    assert.equal(created.status, 201)
    const id = created.body.asset.id
    for (const path of [
      `media/${id}`,
      `media/${id}/playback`,
      `media/uploads/${id}`,
      `media?orgId=${org.id}`,
    ]) {
      const res = await api(path, { token: outsider.token })
      assert.equal(res.status, 404, `${path}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.error.code, 'NOT_FOUND')
      assert.doesNotMatch(JSON.stringify(res.body), /perm\.mp4/)
    }
    const outsiderParts = await api(`media/uploads/${id}/parts`, {
      token: outsider.token,
      body: { partNumbers: [1] },
    })
    assert.equal(outsiderParts.status, 404)
    const memberParts = await api(`media/uploads/${id}/parts`, {
      token: player.token,
      body: { partNumbers: [1] },
    })
    assert.equal(memberParts.status, 403)
    const complete = await api(`media/uploads/${id}/complete`, { token: outsider.token, body: {} })
    assert.equal(complete.status, 404)
    const abortByOutsider = await api(`media/uploads/${id}`, {
      token: outsider.token,
      method: 'DELETE',
    })
    assert.equal(abortByOutsider.status, 404)

    const memberUpload = await api('media/uploads', {
      token: player.token,
      body: { orgId: org.id, fileName: 'x.mp4', sizeBytes: 100, contentType: 'video/mp4' },
    })
    assert.equal(memberUpload.status, 403)
    assert.equal(memberUpload.body.error.code, 'FORBIDDEN')
    const memberAbort = await api(`media/uploads/${id}`, { token: player.token, method: 'DELETE' })
    assert.equal(memberAbort.status, 403)

    const intoOther = await api('media/uploads', {
      token: coach.token,
      body: { orgId: otherOrg.id, fileName: 'x.mp4', sizeBytes: 100, contentType: 'video/mp4' },
    })
    assert.equal(intoOther.status, 404)

    const aborted = await api(`media/uploads/${id}`, { token: coach.token, method: 'DELETE' })
    assert.equal(aborted.status, 204)
    assert.equal((await api(`media/${id}`, { token: coach.token })).status, 404)
  },
})

Deno.test({
  ...opts,
  name: 'bad input never yields a 5xx: malformed, missing, wrong types, oversized, unknown ids, huge',
  fn: async () => {
    const { coach, org } = await setup()
    const valid = { orgId: org.id, fileName: 'a.mp4', sizeBytes: 10, contentType: 'video/mp4' }
    const cases: Array<[string, { body?: unknown; rawBody?: string }, number, string]> = [
      ['malformed', { rawBody: '{"orgId":' }, 400, 'INVALID_JSON'],
      ['empty object', { body: {} }, 400, 'VALIDATION_FAILED'],
      ['array', { body: [valid] }, 400, 'VALIDATION_FAILED'],
      ['wrong types', { body: { ...valid, sizeBytes: '10' } }, 400, 'VALIDATION_FAILED'],
      ['zero size', { body: { ...valid, sizeBytes: 0 } }, 400, 'VALIDATION_FAILED'],
      ['negative size', { body: { ...valid, sizeBytes: -5 } }, 400, 'VALIDATION_FAILED'],
      ['fractional size', { body: { ...valid, sizeBytes: 1.5 } }, 400, 'VALIDATION_FAILED'],
      [
        'over 20 GiB',
        { body: { ...valid, sizeBytes: 20 * 1024 ** 3 + 1 } },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'long file name',
        { body: { ...valid, fileName: 'x'.repeat(300) } },
        400,
        'VALIDATION_FAILED',
      ],
      ['slash in name', { body: { ...valid, fileName: '../../x.mp4' } }, 400, 'VALIDATION_FAILED'],
      ['bad kind', { body: { ...valid, kind: 'friendly' } }, 400, 'VALIDATION_FAILED'],
      ['bad org id', { body: { ...valid, orgId: 'not-a-uuid' } }, 400, 'VALIDATION_FAILED'],
      ['unknown org', { body: { ...valid, orgId: crypto.randomUUID() } }, 404, 'NOT_FOUND'],
      ['unknown field', { body: { ...valid, admin: true } }, 400, 'VALIDATION_FAILED'],
      [
        'huge body',
        { rawBody: JSON.stringify({ ...valid, name: 'x'.repeat(2 * MiB) }) },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ]
    for (const [label, input, status, code] of cases) {
      const res = await api('media/uploads', {
        token: coach.token,
        ...input,
        ...(input.rawBody ? { headers: { 'content-type': 'application/json' } } : {}),
      })
      assert.equal(res.status, status, `${label}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.error.code, code, label)
    }
    const missing = crypto.randomUUID()
    for (const [path, method] of [
      [`media/${missing}`, 'GET'],
      [`media/not-a-uuid`, 'GET'],
      [`media/${missing}/playback`, 'GET'],
      [`media/uploads/${missing}`, 'GET'],
      [`media/uploads/${missing}/complete`, 'POST'],
      [`media/uploads/${missing}`, 'DELETE'],
    ] as const) {
      const res = await api(path, { token: coach.token, method })
      assert.equal(res.status, 404, `${method} ${path}`)
    }
    const badQuery = await api(`media?orgId=${org.id}&pageSize=1000`, { token: coach.token })
    assert.equal(badQuery.status, 400)
    assert.ok(badQuery.body.error.details.fieldErrors.pageSize)
  },
})

Deno.test({
  ...opts,
  name: 'the 401 matrix through the gateway: no token, garbage, the anon key',
  fn: async () => {
    for (const token of [undefined, 'garbage', Deno.env.get('SUPABASE_ANON_KEY')]) {
      const res = await api('me', { token })
      assert.equal(res.status, 401, String(token))
      assert.equal(res.body.error.code, 'UNAUTHORIZED')
      assert.ok(res.headers.get('x-request-id'))
    }
    const health = await api('health')
    assert.equal(health.status, 200)
    assert.deepEqual(health.body, { ok: true })
  },
})

Deno.test({ ...opts, name: 'media access tests: close pools', fn: () => closePools() })
