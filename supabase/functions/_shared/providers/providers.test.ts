// Production clients against recorded request/response contracts: each test replays a stored
// exchange through a fake fetch that also checks the client sent what the contract records.
import assert from 'node:assert/strict'
import {
  OfflineEmbeddings,
  OfflineSpeech,
  OfflineSummaries,
  OfflineTranscription,
} from './offline.ts'
import {
  call,
  ElevenLabsSpeech,
  type Fetch,
  MailgunMail,
  OpenAIEmbeddings,
  OpenAISummaries,
  OpenAITranscription,
} from './production.ts'
import { ProviderError } from './types.ts'

interface Contract {
  request?: {
    method: string
    url: string
    headers: Record<string, string>
    json?: Record<string, unknown>
    form?: Record<string, string>
    urlencoded?: Record<string, string>
  }
  response: { status: number; headers: Record<string, string>; body?: unknown; bodyBase64?: string }
}

const load = async (name: string): Promise<Contract> =>
  JSON.parse(await Deno.readTextFile(new URL(`./contracts/${name}.json`, import.meta.url)))

function replay(contract: Contract): { fetch: Fetch; calls: () => number } {
  let calls = 0
  const fake = (input: string | URL | Request, init?: RequestInit) => {
    calls++
    const expected = contract.request
    if (expected) {
      assert.equal(String(input), expected.url)
      assert.equal(init?.method, expected.method)
      const headers = new Headers(init?.headers)
      for (const [k, v] of Object.entries(expected.headers)) assert.equal(headers.get(k), v, k)
      if (expected.json) {
        const sent = JSON.parse(String(init?.body))
        for (const [k, v] of Object.entries(expected.json)) assert.deepEqual(sent[k], v, k)
      }
      if (expected.form) {
        const form = init?.body as FormData
        for (const [k, v] of Object.entries(expected.form)) {
          const value = form.get(k)
          assert.equal(value instanceof File ? value.name : value, v, k)
        }
      }
      if (expected.urlencoded) {
        const sent = new URLSearchParams(String(init?.body))
        for (const [k, v] of Object.entries(expected.urlencoded)) assert.equal(sent.get(k), v, k)
      }
    }
    const body = contract.response.bodyBase64
      ? Uint8Array.from(atob(contract.response.bodyBase64), (c) => c.charCodeAt(0))
      : JSON.stringify(contract.response.body)
    return Promise.resolve(
      new Response(body, { status: contract.response.status, headers: contract.response.headers }),
    )
  }
  return { fetch: fake as Fetch, calls: () => calls }
}

Deno.test('OpenAI embeddings: request shape, order restored from index', async () => {
  const { fetch } = replay(await load('openai-embeddings'))
  const client = new OpenAIEmbeddings('sk-test', 3, fetch)
  assert.deepEqual(await client.embed(['great line speed', 'missed tackle']), [
    [0.1, 0.2, 0.3],
    [0.4, -0.1, 0.2],
  ])
})

Deno.test('OpenAI Whisper: multipart request, trimmed text', async () => {
  const { fetch } = replay(await load('openai-transcription'))
  const client = new OpenAITranscription('sk-test', fetch)
  const result = await client.transcribe({
    audio: new Uint8Array([1, 2, 3]),
    contentType: 'audio/webm;codecs=opus',
    language: 'en',
  })
  assert.equal(result.text, 'Good clear-out at the ruck, number seven.')
})

Deno.test('OpenAI summaries: JSON mode, fields validated', async () => {
  const { fetch } = replay(await load('openai-chat'))
  const insight = await new OpenAISummaries('sk-test', fetch).segmentInsight({
    narrations: ['quick ruck'],
    tags: ['breakdown'],
  })
  assert.equal(insight.headline, 'Fast ruck ball wins')
})

Deno.test('ElevenLabs speech and Mailgun mail follow their contracts', async () => {
  const tts = replay(await load('elevenlabs-tts'))
  const audio = await new ElevenLabsSpeech('el-test', 'voice-1', tts.fetch).speak(
    'Hit the ruck low.',
  )
  assert.equal(audio.contentType, 'audio/mpeg')
  assert.equal(audio.audio[0], 0xff)
  const mg = replay(await load('mailgun-send'))
  const sent = await new MailgunMail(
    'key-test',
    'mg.rugbycodex.test',
    'RugbyCodex <no-reply@mg.rugbycodex.test>',
    mg.fetch,
  ).send({ to: 'coach@example.com', subject: "You're on the RugbyCodex waitlist", text: 'Thanks!' })
  assert.equal(sent.id, '<20250101.1@mg.rugbycodex.test>')
})

Deno.test('provider errors surface as ProviderError with the status', async () => {
  const { fetch } = replay(await load('openai-error'))
  const once = { timeoutMs: 1000, attempts: 1, baseDelayMs: 0 }
  await assert.rejects(
    new OpenAIEmbeddings('sk-test', 3, fetch, undefined, once).embed(['x']),
    (err) => {
      assert.ok(err instanceof ProviderError)
      assert.equal(err.status, 429)
      assert.equal(err.kind, 'rate_limited')
      return true
    },
  )
})

Deno.test('offline providers are deterministic and meaningful', async () => {
  const emb = new OfflineEmbeddings(64)
  const [a, b, c] = await emb.embed([
    'great line speed in defence',
    'great line speed in defence',
    'lineout throw',
  ])
  assert.deepEqual(a, b)
  assert.equal(a!.length, 64)
  const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0)
  assert.ok(Math.abs(dot(a!, a!) - 1) < 1e-3)
  assert.ok(dot(a!, c!) < dot(a!, b!))
  const insight = await new OfflineSummaries().segmentInsight({
    narrations: ['Strong carry through contact', 'carry and offload'],
    tags: ['carry'],
  })
  assert.match(insight.headline, /carry/)
  await assert.rejects(new OfflineTranscription().transcribe({ audio: new Uint8Array(1) }))
  assert.equal(
    (await new OfflineTranscription().transcribe({ audio: new Uint8Array(1), hint: ' ruck ' }))
      .text,
    'ruck',
  )
})

Deno.test('OpenAI chat JSON mode: match summary and an answer citing evidence ids', async () => {
  const match = replay(await load('openai-chat-match'))
  const summary = await new OpenAISummaries('sk-test', match.fetch).matchSummary({
    narrations: ['lineout lost three throws'],
    tags: ['lineout'],
  })
  assert.equal(summary.lines.length, 3)
  assert.match(summary.headline, /Lineout/)
  const ask = replay(await load('openai-chat-answer'))
  const answer = await new OpenAISummaries('sk-test', ask.fetch).answer({
    question: 'Why did the lineout struggle?',
    evidence: [
      { id: 'n-1', text: 'throw not straight' },
      { id: 'n-2', text: 'jumpers late' },
    ],
  })
  assert.deepEqual(answer.citedIds, ['n-1', 'n-2'])
  // A reply that is not JSON is a typed, non-retryable error.
  const broken = replay({
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { choices: [{ message: { content: 'Sure! The lineout…' } }] },
    },
  })
  await assert.rejects(
    new OpenAISummaries('sk-test', broken.fetch).matchSummary({ narrations: [], tags: [] }),
    (err) => err instanceof ProviderError && err.kind === 'bad_response' && !err.retryable,
  )
})

const noWait = { timeoutMs: 1000, attempts: 3, baseDelayMs: 500 }

Deno.test('retries: 503 then success, honouring retry-after; 4xx is final at once', async () => {
  const unavailable = await load('openai-unavailable')
  const ok = await load('openai-embeddings')
  const waits: number[] = []
  let calls = 0
  const flaky = ((input: string | URL | Request, init?: RequestInit) => {
    calls++
    return calls === 1 ? replay(unavailable).fetch(input, init) : replay(ok).fetch(input, init)
  }) as Fetch
  const client = new OpenAIEmbeddings('sk-test', 3, flaky, undefined, {
    ...noWait,
    sleep: (ms) => Promise.resolve(void waits.push(ms)),
  })
  assert.equal((await client.embed(['great line speed', 'missed tackle'])).length, 2)
  assert.equal(calls, 2)
  assert.deepEqual(waits, [1000])

  const refused = replay({
    response: { status: 401, headers: {}, body: { error: { message: 'Incorrect API key' } } },
  })
  await assert.rejects(
    new OpenAIEmbeddings('sk-bad', 3, refused.fetch, undefined, noWait).embed(['x']),
    (err) => err instanceof ProviderError && err.kind === 'rejected' && err.status === 401,
  )
  assert.equal(refused.calls(), 1)
})

Deno.test('retries: attempts are bounded, backoff grows, and a timeout is typed', async () => {
  const waits: number[] = []
  let calls = 0
  const hanging = ((_input: string | URL | Request, init?: RequestInit) => {
    calls++
    return new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))
    })
  }) as Fetch
  await assert.rejects(
    call(
      'test',
      hanging,
      'https://provider.test',
      { method: 'POST' },
      {
        timeoutMs: 5,
        attempts: 3,
        baseDelayMs: 100,
        sleep: (ms) => Promise.resolve(void waits.push(ms)),
      },
    ),
    (err) => err instanceof ProviderError && err.kind === 'timeout' && err.retryable,
  )
  assert.equal(calls, 3)
  assert.equal(waits.length, 2)
  assert.ok(waits[0]! >= 50 && waits[0]! <= 100, `first backoff ${waits[0]}`)
  assert.ok(waits[1]! >= 100 && waits[1]! <= 200, `second backoff ${waits[1]}`)
  const down = (() => Promise.reject(new TypeError('connection refused'))) as Fetch
  await assert.rejects(
    call('test', down, 'https://provider.test', {}, { ...noWait, attempts: 1 }),
    (err) => err instanceof ProviderError && err.kind === 'network',
  )
})

Deno.test('offline embeddings: related wording scores closer than unrelated wording', async () => {
  const emb = new OfflineEmbeddings(1536)
  const [query, related, unrelated] = await emb.embed([
    'missed tackles in defence',
    'he missed two tackles, our defensive line was too passive',
    'the scrum was dominant on our put in',
  ])
  const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0)
  assert.ok(dot(query!, related!) > dot(query!, unrelated!) + 0.2)
  // Different dimensions are honoured (EMBEDDING_DIMENSIONS).
  assert.equal((await new OfflineEmbeddings(256).embed(['x']))[0]!.length, 256)
})

Deno.test('offline summaries, answers and speech are deterministic', async () => {
  const s = new OfflineSummaries()
  const input = { narrations: ['Lineout throw not straight.', 'Lineout jumper late'], tags: [] }
  assert.deepEqual(await s.matchSummary(input), await s.matchSummary(input))
  assert.match((await s.matchSummary(input)).headline, /lineout/)
  // Recurring filler is not a theme: "again" and "ball" outnumber "box" here, yet only themes lead.
  const filler = await s.matchSummary({
    narrations: ['Box kick again, ball lost.', 'Again the ball went loose, box kick chase slow.'],
    tags: [],
  })
  assert.equal(filler.headline, 'Match themes: box, kick, chase')
  const answer = await s.answer({
    question: 'lineout?',
    evidence: [
      { id: 'a', text: 'Throw not straight. Again.' },
      { id: 'b', text: 'Jumper late' },
    ],
  })
  assert.deepEqual(answer.citedIds, ['a', 'b'])
  assert.match(answer.answer, /\[1\] Throw not straight\./)
  // When some evidence shares the question's words, only that is cited, whatever its rank.
  const onTopic = await s.answer({
    question: 'Why was the lineout throw crooked?',
    evidence: [
      { id: 'c', text: 'Box kick chase too slow.' },
      { id: 'd', text: 'Crooked throw at the front again.' },
    ],
  })
  assert.deepEqual(onTopic.citedIds, ['d'])
  const audio = await new OfflineSpeech().speak('Hit the ruck low.')
  assert.equal(audio.audio[0], 0xff)
  assert.deepEqual(audio, await new OfflineSpeech().speak('Hit the ruck low.'))
})
