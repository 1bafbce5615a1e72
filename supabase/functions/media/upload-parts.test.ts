// Integration: MEDIA-1 part URLs, presigned a batch at a time and each pinned to its part.
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import { addMember, api, createOrg } from '../_shared/testing.ts'
import { MiB, opts, setup } from './test-support.ts'

Deno.test({
  ...opts,
  name: 'part URLs: first batch of 50 on create and resume, more on demand, each pinned to its length',
  fn: async () => {
    const { coach, player } = await setup()
    const club = await createOrg(coach, 'Batch Club')
    await addMember(club.id, player, 'member')
    const size = 120 * 10 * MiB + 5 // 121 parts, the last 5 bytes
    const created = await api('media/uploads', {
      token: coach.token,
      body: { orgId: club.id, fileName: 'long.mp4', sizeBytes: size, contentType: 'video/mp4' },
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const id: string = created.body.asset.id
    assert.equal(created.body.partCount, 121)
    const numbers = (parts: { partNumber: number }[]) => parts.map((p) => p.partNumber)
    assert.deepEqual(
      numbers(created.body.parts),
      Array.from({ length: 50 }, (_, i) => i + 1),
    )
    for (const part of created.body.parts) {
      const url = new URL(part.url)
      assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'content-length;host')
      assert.equal(url.searchParams.get('partNumber'), String(part.partNumber))
      assert.equal(url.searchParams.get('uploadId'), created.body.uploadId)
    }

    const more = await api(`media/uploads/${id}/parts`, {
      token: coach.token,
      body: { partNumbers: [121, 51, 51, 52] },
    })
    assert.equal(more.status, 200, JSON.stringify(more.body))
    assert.deepEqual(numbers(more.body.parts), [51, 52, 121])
    const last = more.body.parts.find((p: { partNumber: number }) => p.partNumber === 121).url
    // The last part's URL carries exactly its 5 bytes, nothing else.
    const wrong = await fetch(last, { method: 'PUT', body: new Uint8Array(6) })
    assert.equal(wrong.status, 403)
    await wrong.body?.cancel()
    const right = await fetch(last, { method: 'PUT', body: new Uint8Array(5) })
    assert.equal(right.status, 200)
    await right.body?.cancel()

    const resumed = await api(`media/uploads/${id}`, { token: coach.token })
    assert.equal(resumed.status, 200)
    assert.equal(resumed.body.partCount, 121)
    assert.deepEqual(numbers(resumed.body.uploadedParts), [121])
    assert.deepEqual(
      numbers(resumed.body.parts),
      Array.from({ length: 50 }, (_, i) => i + 1),
    )

    const refused: Array<[unknown, number, string]> = [
      [{ partNumbers: [122] }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: [0] }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: [] }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: Array.from({ length: 51 }, (_, i) => i + 1) }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: [1.5] }, 400, 'VALIDATION_FAILED'],
      [{ partNumbers: '1' }, 400, 'VALIDATION_FAILED'],
      [{ parts: [1] }, 400, 'VALIDATION_FAILED'],
    ]
    for (const [body, status, code] of refused) {
      const res = await api(`media/uploads/${id}/parts`, { token: coach.token, body })
      assert.equal(res.status, status, JSON.stringify(body))
      assert.equal(res.body.error.code, code, JSON.stringify(body))
    }
    const unknown = await api(`media/uploads/${crypto.randomUUID()}/parts`, {
      token: coach.token,
      body: { partNumbers: [1] },
    })
    assert.equal(unknown.status, 404)

    assert.equal(
      (await api(`media/uploads/${id}`, { token: coach.token, method: 'DELETE' })).status,
      204,
    )
    const afterAbort = await api(`media/uploads/${id}/parts`, {
      token: coach.token,
      body: { partNumbers: [1] },
    })
    assert.equal(afterAbort.status, 404)
  },
})

Deno.test({ ...opts, name: 'media upload parts tests: close pools', fn: () => closePools() })
