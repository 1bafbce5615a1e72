// Production clients against recorded request/response contracts: each test replays a stored
// exchange through a fake fetch that also checks the client sent what the contract records.
import assert from 'node:assert/strict'
import { OfflineEmbeddings, OfflineSummaries, OfflineTranscription } from './offline.ts'
import {
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
  await assert.rejects(new OpenAIEmbeddings('sk-test', 3, fetch).embed(['x']), (err) => {
    assert.ok(err instanceof ProviderError)
    assert.equal(err.status, 429)
    return true
  })
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
