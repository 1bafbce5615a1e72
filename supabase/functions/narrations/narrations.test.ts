// Integration: transcription as a job (NARR-2) and the embedding backfill (NARR-4).
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import { publishableKeys, secretKeys } from '../_shared/env.ts'
import * as storage from '../_shared/storage.ts'
import {
  api,
  clubWithMatch,
  integrationTest,
  serviceSql,
  signUp,
  type TestUser,
} from '../_shared/testing.ts'

let coach: TestUser, player: TestUser, outsider: TestUser, admin: TestUser
let orgId: string, mediaId: string

async function setup() {
  if (mediaId) return
  ;({ coach, player, outsider, orgId, mediaId } = await clubWithMatch({
    prefix: 'nar',
    club: 'Narration Club',
    match: { name: 'Final', fileName: 'final.mp4', durationSeconds: 600 },
  }))
  admin = await signUp('naradmin')
  await serviceSql(
    (sql) => sql`update public.profiles set platform_role = 'admin' where id = ${admin.id}`,
  )
}

/** A voice narration written straight to the database, its recording in storage, no job yet. */
async function storedRecording(author: TestUser): Promise<string> {
  const id = crypto.randomUUID()
  const key = `orgs/${orgId}/narrations/${id}/audio.webm`
  await storage.putObject(key, new Uint8Array(1024).fill(3), 'audio/webm')
  await serviceSql(
    (sql) => sql`insert into public.narrations (id, org_id, media_asset_id, author_id, input_type,
      audio_key, audio_duration_seconds, transcription_status)
      values (${id}, ${orgId}, ${mediaId}, ${author.id}, 'audio', ${key}, 2, 'pending')`,
  )
  return id
}

const sweep = (token?: string) =>
  api('narrations/jobs/sweep', { token, body: { limit: 100 } }) as Promise<{
    status: number
    // deno-lint-ignore no-explicit-any -- JSON body
    body: any
  }>

integrationTest(
  'NARR-2: voice notes queue a transcribe job; retry, polling, respond-async, refusals',
  async () => {
    await setup()
    const voice = await api('narrations', {
      token: player.token,
      body: { mediaAssetId: mediaId, audio: { contentType: 'audio/webm', durationSeconds: 3 } },
    })
    assert.equal(voice.status, 201, JSON.stringify(voice.body))
    assert.ok(voice.body.job?.id, 'a transcribe job is queued with the narration')
    const id = voice.body.narration.id
    const jobs = await serviceSql(
      (sql) => sql<{ type: string; org_id: string }[]>`
      select type::text as type, org_id from public.jobs where id = ${voice.body.job.id}`,
    )
    assert.deepEqual(
      jobs.map((j) => ({ ...j })),
      [{ type: 'transcribe', org_id: orgId }],
    )

    // Polling: the narration and its job; other orgs cannot see it.
    const polled = await api(`narrations/${id}`, { token: player.token })
    assert.equal(polled.status, 200)
    assert.equal(polled.body.narration.transcription.status, 'pending')
    assert.equal(polled.body.job.id, voice.body.job.id)
    assert.equal((await api(`narrations/${id}`, { token: outsider.token })).status, 404)
    assert.equal((await api('narrations/not-a-uuid', { token: player.token })).status, 404)

    const put = await fetch(voice.body.audioUpload.url, {
      method: 'PUT',
      headers: { 'content-type': 'audio/webm' },
      body: new Uint8Array(2048).fill(5),
    })
    assert.equal(put.status, 200)
    await put.body?.cancel()

    // Bad input and refusals change nothing.
    const bad = await api(`narrations/${id}/transcribe`, {
      token: player.token,
      body: { previewText: 5 },
    })
    assert.equal(bad.status, 400)
    assert.equal(
      (await api(`narrations/${id}/transcribe`, { token: outsider.token, body: {} })).status,
      404,
    )

    // Respond-async: 202 at once, the job runs after the response.
    const async = await api(`narrations/${id}/transcribe`, {
      token: player.token,
      body: { previewText: 'line speed off the ruck' },
      headers: { prefer: 'respond-async' },
    })
    assert.equal(async.status, 202, JSON.stringify(async.body))
    assert.equal(async.body.job.id, voice.body.job.id, 'the live job is reused, not duplicated')

    // Awaited (what the SPA calls after the upload): the job's attempt decides the status. The
    // background run may already have finished it, in which case a new job transcribes again.
    const done = await api(`narrations/${id}/transcribe`, {
      token: player.token,
      body: { previewText: 'line speed off the ruck' },
    })
    assert.ok([200, 202].includes(done.status), JSON.stringify(done.body))
    const after = await api(`narrations/${id}`, { token: player.token })
    if (done.status === 200) {
      assert.equal(after.body.narration.text, 'line speed off the ruck')
      assert.equal(after.body.narration.transcription.status, 'done')
      assert.equal(after.body.narration.embedded, true)
    }
  },
)

integrationTest(
  'NARR-2: the sweeper runs expired and orphaned jobs; only the service role or an admin',
  async () => {
    await setup()
    // An isolate died holding this job: its lease expired with attempts left.
    const crashed = await storedRecording(player)
    await serviceSql(
      (sql) => sql`insert into public.jobs (org_id, media_asset_id, type, state, attempt,
      lease_owner, lease_expires_at, started_at, payload)
      values (${orgId}, ${mediaId}, 'transcribe', 'running', 1, 'edge-dead',
        now() - interval '1 minute', now() - interval '5 minutes',
        ${sql.json({ narrationId: crashed, previewText: 'swept up after a crash' })})`,
    )
    // A pending recording without any job (written before jobs existed): it gets one, and
    // offline without a preview it fails visibly instead of staying pending forever.
    const orphan = await storedRecording(player)
    // A job that died on its last attempt: the narration takes its error.
    const exhausted = await storedRecording(player)
    await serviceSql(
      (sql) => sql`insert into public.jobs (org_id, media_asset_id, type, state, attempt,
      max_attempts, lease_owner, lease_expires_at, started_at, payload)
      values (${orgId}, ${mediaId}, 'transcribe', 'running', 3, 3, 'edge-dead',
        now() - interval '1 minute', now() - interval '5 minutes',
        ${sql.json({ narrationId: exhausted })})`,
    )

    assert.equal((await sweep()).status, 401)
    const publishable = publishableKeys()[0]!
    assert.equal((await sweep(publishable)).status, 401)
    assert.equal((await sweep('sb_secret_guessed')).status, 401)
    const wrongApikey = await api('narrations/jobs/sweep', {
      apikey: 'sb_secret_guessed',
      body: { limit: 1 },
    })
    assert.equal(wrongApikey.status, 401)
    assert.equal((await sweep(player.token)).status, 403)
    assert.equal((await sweep(coach.token)).status, 403)
    const badLimit = await api('narrations/jobs/sweep', {
      token: admin.token,
      body: { limit: 0 },
    })
    assert.equal(badLimit.status, 400)

    // The cron's call: the secret key as the bearer (the new or the legacy name, whichever the
    // platform injects).
    const swept = await sweep(secretKeys()[0])
    assert.equal(swept.status, 200, JSON.stringify(swept.body))
    assert.ok(swept.body.enqueued >= 1 && swept.body.markedFailed >= 1, JSON.stringify(swept.body))
    assert.ok(swept.body.done >= 1 && swept.body.failed >= 1, JSON.stringify(swept.body))

    const read = async (id: string) =>
      (await api(`narrations/${id}`, { token: player.token })).body.narration
    const a = await read(crashed)
    assert.equal(a.transcription.status, 'done')
    assert.equal(a.text, 'swept up after a crash')
    const b = await read(orphan)
    assert.equal(b.transcription.status, 'failed')
    assert.match(b.transcription.error, /no transcript available offline/)
    const c = await read(exhausted)
    assert.equal(c.transcription.status, 'failed')
    assert.match(c.transcription.error, /stopped responding/)

    // The visible failure is retried with a fresh job (new attempts) and succeeds.
    const retried = await api(`narrations/${orphan}/transcribe`, {
      token: coach.token,
      body: { previewText: 'we died at the breakdown' },
    })
    assert.equal(retried.status, 200, JSON.stringify(retried.body))
    assert.equal(retried.body.narration.text, 'we died at the breakdown')
    assert.equal(retried.body.job.state, 'succeeded')
    assert.equal(retried.body.job.attempt, 1)

    // A second sweep has nothing left of these; the secret key in `apikey` works as well (how
    // supabase-js and pg_net send a new `sb_secret_…` key).
    const again = await sweep(admin.token)
    assert.equal(again.status, 200)
    const byApikey = await api('narrations/jobs/sweep', {
      apikey: secretKeys()[0]!,
      body: { limit: 1 },
    })
    assert.equal(byApikey.status, 200, JSON.stringify(byApikey.body))
    const states = await serviceSql(
      (sql) => sql<{ state: string }[]>`
      select state::text as state from public.jobs
       where type = 'transcribe' and payload ->> 'narrationId' in (${crashed}, ${orphan}, ${exhausted})
         and state in ('queued', 'running')`,
    )
    assert.equal(states.length, 0)
  },
)

integrationTest(
  'NARR-4: edits refresh the embedding; admin backfill embeds null/stale ones, idempotent',
  async () => {
    await setup()
    const note = await api('narrations', {
      token: player.token,
      body: { mediaAssetId: mediaId, text: 'Tackle height too high in the first half' },
    })
    assert.equal(note.status, 201)
    const id = note.body.narration.id
    const before = await serviceSql(
      (sql) =>
        sql<{ e: string }[]>`select embedding::text as e from public.narrations where id = ${id}`,
    )
    const edited = await api(`narrations/${id}`, {
      token: player.token,
      method: 'PATCH',
      body: { text: 'Lineout throws were crooked all game' },
    })
    assert.equal(edited.status, 200)
    assert.equal(edited.body.narration.embedded, true)
    const afterEdit = await serviceSql(
      (sql) =>
        sql<{ e: string }[]>`select embedding::text as e from public.narrations where id = ${id}`,
    )
    assert.notEqual(afterEdit[0]!.e, before[0]!.e, 'the edit re-embedded the new text')

    // Null (a failed refresh) and stale (another model) embeddings in this org.
    const stale = await api('narrations', {
      token: coach.token,
      body: { mediaAssetId: mediaId, text: 'Kick chase was flat and slow' },
    })
    await serviceSql(
      (sql) =>
        sql`update public.narrations set embedding = null, embedding_model = null where id = ${id}`,
    )
    await serviceSql(
      (sql) => sql`update public.narrations set embedding_model = 'retired-model'
                 where id = ${stale.body.narration.id}`,
    )

    const refused = await api('admin/narrations/embeddings/backfill', {
      token: coach.token,
      body: { orgId },
    })
    assert.equal(refused.status, 403)
    const invalid = await api('admin/narrations/embeddings/backfill', {
      token: admin.token,
      body: { batchSize: 0 },
    })
    assert.equal(invalid.status, 400)

    const first = await api('admin/narrations/embeddings/backfill', {
      token: admin.token,
      body: { orgId, batchSize: 1 },
    })
    assert.equal(first.status, 200, JSON.stringify(first.body))
    assert.ok(first.body.embedded >= 2, JSON.stringify(first.body))
    assert.equal(first.body.failed, 0)
    assert.equal(first.body.remaining, 0)
    assert.ok(first.body.batches >= 2, 'one narration per batch')
    const rows = await serviceSql(
      (sql) => sql<{ model: string | null; e: string | null }[]>`
      select embedding_model as model, embedding::text as e from public.narrations
       where id in (${id}, ${stale.body.narration.id})`,
    )
    for (const r of rows) {
      assert.equal(r.model, first.body.model)
      assert.ok(r.e)
    }
    const second = await api('admin/narrations/embeddings/backfill', {
      token: admin.token,
      body: { orgId },
    })
    assert.deepEqual(
      { embedded: second.body.embedded, remaining: second.body.remaining },
      { embedded: 0, remaining: 0 },
    )
  },
)

integrationTest('narrations tests: close pools', closePools)
