// TX-1 TX-6: crashes, graceful stops and duplicate deliveries never lose or double-publish work.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueMessageBody } from '../../contracts/jobs.ts'
import { createLogger } from '../src/log'
import { SqsJobSource, SqsQueue } from '../src/queue/sqs'
import { FakeSqs } from '../src/queue/sqs-double'
import { ffmpegPidsUnder, spawnWorker } from './support/child'
import { makeVideo } from './support/media'
import { freePort } from './support/ports'
import { startTestPlatform, waitFor, type TestPlatform } from './support/platform'
import { startWorker } from './support/worker'

let platform: TestPlatform
let input: string

beforeAll(async () => {
  platform = await startTestPlatform()
  // Long enough (a few seconds of encoding) to be interrupted mid-job.
  input = await makeVideo(join(platform.dir, 'match.mp4'), {
    width: 1920,
    height: 1080,
    seconds: 20,
    fps: 10,
    audio: true,
  })
})

afterAll(async () => {
  await platform?.stop()
})

async function assetRow(assetId: string) {
  const { rows } = await platform.query<Record<string, unknown>>(
    'select status, progress, playable, renditions, error_code from public.media_assets where id = $1',
    [assetId],
  )
  return rows[0]!
}

/** Mid-job: leased, encoding, and progress already written. */
async function midJob(jobId: string, assetId: string, minProgress = 0.01) {
  await waitFor(async () => {
    const job = await platform.db.job(jobId)
    const asset = await assetRow(assetId)
    return job?.state === 'running' && (asset.progress as number) >= minProgress
  }, 'job mid-way')
}

async function finished(jobId: string) {
  return waitFor(async () => {
    const job = await platform.db.job(jobId)
    return job && (job.state === 'succeeded' || job.state === 'failed') ? job : null
  }, `job ${jobId} finished`)
}

/** Workers reading `sqs` (a 1 s long poll) instead of the database lease. */
const sqsSource = (sqs: FakeSqs) => (workerId: string) =>
  new SqsJobSource({
    queue: new SqsQueue(
      sqs,
      'https://sqs.test/transcode',
      30,
      createLogger({}, () => {}),
      1,
    ),
    db: platform.db,
    workerId,
    leaseSeconds: 30,
    logger: createLogger({ workerId }, () => {}),
  })

const workDirsOf = async (jobId: string) =>
  (await readdir(platform.dir)).filter((d) => d.startsWith(`rugbycodex-${jobId}`))

describe('crash and shutdown', () => {
  it('kill -9 mid-job: the lease expires and another worker completes the job', async () => {
    const upload = await platform.createUpload(input)
    const a = spawnWorker(platform, {
      WORKER_ID: 'worker-a',
      WORKER_LEASE_SECONDS: '3',
      WORKER_HEALTH_PORT: String(await freePort()),
    })
    await midJob(upload.jobId, upload.assetId)
    process.kill(-a.child.pid!, 'SIGKILL')
    await a.exited
    // ffmpeg runs in its own process group; a dead container takes it too, so the test does.
    for (const pid of await ffmpegPidsUnder(platform.dir)) process.kill(pid, 'SIGKILL')

    const b = startWorker(platform, { workerId: 'worker-b', env: { WORKER_LEASE_SECONDS: '3' } })
    try {
      const job = await finished(upload.jobId)
      expect(job).toMatchObject({ state: 'succeeded', attempt: 2, lease_owner: 'worker-b' })
      const asset = await assetRow(upload.assetId)
      expect(asset).toMatchObject({ status: 'complete', playable: true, progress: 1 })
      expect((asset.renditions as unknown[]).length).toBe(4)
      const keys = (await platform.storage.list(`${upload.prefix}/hls/`)).map((o) => o.key)
      expect(keys.filter((k) => k.endsWith('master.m3u8'))).toHaveLength(1)
      expect(keys.filter((k) => k.endsWith('index.m3u8'))).toHaveLength(4)
    } finally {
      await b.stop()
    }
  })

  it('SIGTERM that cannot finish in the window: hands the job back, cleans up, exits 0', async () => {
    const upload = await platform.createUpload(input)
    const healthPort = await freePort()
    const w = spawnWorker(platform, {
      WORKER_ID: 'worker-stop',
      WORKER_STOP_TIMEOUT_SECONDS: '0',
      WORKER_HEALTH_PORT: String(healthPort),
    })
    await midJob(upload.jobId, upload.assetId)
    const health = await fetch(`http://127.0.0.1:${healthPort}/health`)
    expect(health.status).toBe(200)
    expect(((await health.json()) as { jobs: { jobId: string }[] }).jobs[0]?.jobId).toBe(
      upload.jobId,
    )

    w.child.kill('SIGTERM')
    expect(await w.exited).toEqual({ code: 0, signal: null })
    const job = await platform.db.job(upload.jobId)
    // Back in the queue at once, and the interrupted attempt does not count.
    expect(job).toMatchObject({ state: 'queued', attempt: 0, lease_owner: null })
    expect(w.logs.some((l) => l.event === 'job_handed_back' && l.jobId === upload.jobId)).toBe(true)
    expect(await workDirsOf(upload.jobId)).toEqual([])
    expect(await ffmpegPidsUnder(platform.dir)).toEqual([])

    // The next worker picks it up and finishes it.
    const next = startWorker(platform, { workerId: 'worker-next' })
    try {
      expect((await finished(upload.jobId)).state).toBe('succeeded')
    } finally {
      await next.stop()
    }
  })

  it('SIGTERM with time to spare: finishes the job, then exits 0', async () => {
    const upload = await platform.createUpload(input)
    const w = spawnWorker(platform, {
      WORKER_ID: 'worker-finish',
      WORKER_STOP_TIMEOUT_SECONDS: '100',
      WORKER_HEALTH_PORT: String(await freePort()),
    })
    await midJob(upload.jobId, upload.assetId, 0.1)
    w.child.kill('SIGTERM')
    expect(await w.exited).toEqual({ code: 0, signal: null })
    const decision = w.logs.find((l) => l.event === 'stop_decision')
    expect(decision?.decision).toBe('finish')
    expect(await platform.db.job(upload.jobId)).toMatchObject({ state: 'succeeded', attempt: 1 })
    expect(await workDirsOf(upload.jobId)).toEqual([])
  })

  it('spot interruptions on SQS: three hand-backs never reach the DLQ, and the job still runs', async () => {
    const upload = await platform.createUpload(input)
    const sqs = new FakeSqs(3)
    sqs.enqueue(queueMessageBody({ id: upload.jobId, type: 'transcode' }))
    const viaSqs = sqsSource(sqs)
    for (let i = 1; i <= 3; i++) {
      // WORKER_STOP_TIMEOUT_SECONDS=0: the two-minute notice is too short for this job, every time.
      const spot = startWorker(platform, {
        workerId: `spot-${i}`,
        env: { WORKER_STOP_TIMEOUT_SECONDS: '0' },
        source: viaSqs,
      })
      await waitFor(
        async () => spot.logs.some((l) => l.event === 'job_started' && l.jobId === upload.jobId),
        `spot worker ${i} started the job`,
      )
      await spot.stop()
      expect(spot.logs.some((l) => l.event === 'job_handed_back')).toBe(true)
      expect(await platform.db.job(upload.jobId)).toMatchObject({ state: 'queued', attempt: 0 })
    }
    expect(sqs.messages.map((m) => m.receiveCount)).toEqual([0])
    expect(sqs.deadLetters).toEqual([])

    const onDemand = startWorker(platform, { workerId: 'on-demand', source: viaSqs })
    try {
      expect(await finished(upload.jobId)).toMatchObject({ state: 'succeeded', attempt: 1 })
      await waitFor(async () => sqs.messages.length === 0, 'the message acknowledged')
      expect(sqs.deadLetters).toEqual([])
    } finally {
      await onDemand.stop()
    }
  })

  it('duplicate SQS delivery: one transcode, one set of outputs, every copy acknowledged', async () => {
    const short = await makeVideo(join(platform.dir, 'short.mp4'), {
      width: 640,
      height: 360,
      seconds: 4,
      fps: 10,
      audio: true,
    })
    const upload = await platform.createUpload(short)
    const sqs = new FakeSqs(3)
    sqs.enqueue(upload.jobId)
    sqs.enqueue(JSON.stringify({ jobId: upload.jobId }))
    const w = startWorker(platform, {
      workerId: 'worker-sqs',
      source: sqsSource(sqs),
    })
    try {
      await waitFor(async () => sqs.messages.length === 0, 'both messages acknowledged')
      const job = await platform.db.job(upload.jobId)
      expect(job).toMatchObject({ state: 'succeeded', attempt: 1 })
      const before = await platform.storage.list(`${upload.prefix}/`)
      // A late third copy: acknowledged without touching the outputs.
      sqs.enqueue(upload.jobId)
      await waitFor(async () => sqs.messages.length === 0, 'late copy acknowledged')
      const after = await platform.storage.list(`${upload.prefix}/`)
      expect(after).toEqual(before)
      expect(w.logs.filter((l) => l.event === 'job_started')).toHaveLength(1)
      expect(sqs.deadLetters).toEqual([])
    } finally {
      await w.stop()
    }
  })
})
