// Production provider clients over plain fetch (no SDKs: fewer cold-start bytes, and the exact
// requests are what the recorded-contract tests pin down).
import {
  type AnswerInput,
  type EmbeddingProvider,
  type MailMessage,
  type MailProvider,
  type MatchSummaryInput,
  ProviderError,
  type SegmentInsightInput,
  type SpeechProvider,
  type SummaryProvider,
  type TranscriptionProvider,
} from './types.ts'

export type Fetch = typeof fetch

/** Timeout per attempt and the retry budget; tests pass `sleep` to skip the real waiting. */
export interface CallPolicy {
  timeoutMs: number
  attempts: number
  baseDelayMs: number
  sleep?: (ms: number) => Promise<void>
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * One provider request with a per-attempt timeout and retries with exponential backoff (full
 * jitter) on timeouts, network errors, 429 and 5xx; `retry-after` is honoured up to 30 s. Other
 * failures are final at once. Every failure surfaces as a typed ProviderError.
 */
export async function call(
  provider: string,
  fetcher: Fetch,
  url: string,
  init: RequestInit,
  policy: CallPolicy,
): Promise<Response> {
  const sleep = policy.sleep ?? wait
  let last: ProviderError | undefined
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let retryAfterMs: number | undefined
    try {
      const res = await fetcher(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) })
      if (res.ok) return res
      const text = await res.text().catch(() => '')
      last = new ProviderError(provider, res.status, text.slice(0, 300) || res.statusText)
      const header = Number(res.headers.get('retry-after'))
      if (Number.isFinite(header) && header > 0) retryAfterMs = Math.min(30_000, header * 1000)
    } catch (err) {
      const name = (err as Error)?.name
      last =
        name === 'TimeoutError' || name === 'AbortError'
          ? new ProviderError(
              provider,
              undefined,
              `no answer within ${policy.timeoutMs} ms`,
              'timeout',
            )
          : new ProviderError(
              provider,
              undefined,
              (err as Error)?.message ?? 'network error',
              'network',
            )
    }
    if (!last.retryable || attempt === policy.attempts) break
    const backoff = policy.baseDelayMs * 2 ** (attempt - 1)
    await sleep(retryAfterMs ?? Math.round(backoff / 2 + Math.random() * (backoff / 2)))
  }
  throw last!
}

const defaults = (timeoutMs: number): CallPolicy => ({ timeoutMs, attempts: 3, baseDelayMs: 500 })

function badResponse(provider: string, status: number, message: string) {
  return new ProviderError(provider, status, message, 'bad_response')
}

const ext = (contentType: string) =>
  contentType.includes('webm') ? 'webm' : contentType.includes('ogg') ? 'ogg' : 'mp4'

export class OpenAITranscription implements TranscriptionProvider {
  readonly name = 'openai-whisper'
  constructor(
    private readonly apiKey: string,
    private readonly fetcher: Fetch = fetch,
    private readonly baseUrl = 'https://api.openai.com/v1',
    private readonly policy: CallPolicy = defaults(60_000),
  ) {}
  async transcribe(input: { audio: Uint8Array; contentType: string; language?: string }) {
    const form = new FormData()
    form.append(
      'file',
      new Blob([input.audio as BlobPart], { type: input.contentType }),
      `narration.${ext(input.contentType)}`,
    )
    form.append('model', 'whisper-1')
    form.append('response_format', 'json')
    if (input.language) form.append('language', input.language.slice(0, 2))
    const res = await call(
      this.name,
      this.fetcher,
      `${this.baseUrl}/audio/transcriptions`,
      { method: 'POST', headers: { authorization: `Bearer ${this.apiKey}` }, body: form },
      this.policy,
    )
    const body = (await res.json().catch(() => ({}))) as { text?: string; language?: string }
    if (typeof body.text !== 'string')
      throw badResponse(this.name, res.status, 'no text in response')
    return { text: body.text.trim(), language: body.language ?? input.language ?? 'en' }
  }
}

export class OpenAIEmbeddings implements EmbeddingProvider {
  readonly name = 'openai-text-embedding-3-small'
  constructor(
    private readonly apiKey: string,
    readonly dimensions = 1536,
    private readonly fetcher: Fetch = fetch,
    private readonly baseUrl = 'https://api.openai.com/v1',
    private readonly policy: CallPolicy = defaults(30_000),
  ) {}
  async embed(texts: string[]) {
    const res = await call(
      this.name,
      this.fetcher,
      `${this.baseUrl}/embeddings`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'text-embedding-3-small',
          input: texts,
          dimensions: this.dimensions,
        }),
      },
      this.policy,
    )
    const body = (await res.json().catch(() => ({}))) as {
      data?: Array<{ index: number; embedding: number[] }>
    }
    const data = [...(body.data ?? [])].sort((a, b) => a.index - b.index)
    if (data.length !== texts.length || data.some((d) => d.embedding.length !== this.dimensions)) {
      throw badResponse(this.name, res.status, 'unexpected embedding shape')
    }
    return data.map((d) => d.embedding)
  }
}

const strings = (v: unknown, max: number) =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, max) : undefined

export class OpenAISummaries implements SummaryProvider {
  readonly name = 'openai-gpt-4o-mini'
  constructor(
    private readonly apiKey: string,
    private readonly fetcher: Fetch = fetch,
    private readonly baseUrl = 'https://api.openai.com/v1',
    private readonly policy: CallPolicy = defaults(30_000),
  ) {}

  /** One chat completion in JSON mode; the reply must parse as a JSON object. */
  private async json(system: string, user: unknown): Promise<Record<string, unknown>> {
    const res = await call(
      this.name,
      this.fetcher,
      `${this.baseUrl}/chat/completions`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          temperature: 0.2,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: JSON.stringify(user) },
          ],
        }),
      },
      this.policy,
    )
    const body = (await res.json().catch(() => ({}))) as {
      choices?: Array<{ message?: { content?: string } }>
    }
    try {
      const parsed = JSON.parse(body.choices?.[0]?.message?.content ?? '')
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed
    } catch {
      // falls through to the typed error
    }
    throw badResponse(this.name, res.status, 'model did not return a JSON object')
  }

  async segmentInsight(input: SegmentInsightInput) {
    const parsed = await this.json(
      'You are a rugby coach. Reply with JSON {"headline": 3-6 words, "summary": one sentence, "coachScript": what the coach says to the player}.',
      { narrations: input.narrations.slice(0, 50), tags: input.tags },
    )
    if (
      typeof parsed.headline !== 'string' ||
      typeof parsed.summary !== 'string' ||
      typeof parsed.coachScript !== 'string'
    ) {
      throw badResponse(this.name, 200, 'model JSON is missing fields')
    }
    return { headline: parsed.headline, summary: parsed.summary, coachScript: parsed.coachScript }
  }

  async matchSummary(input: MatchSummaryInput) {
    const parsed = await this.json(
      'You are a rugby analyst. From the coaches\' notes of one match reply with JSON {"headline": at most 8 words, "lines": up to 3 short sentences}. Use only what the notes say.',
      { narrations: input.narrations.slice(0, 200), tags: input.tags.slice(0, 50) },
    )
    const lines = strings(parsed.lines, 3)
    if (typeof parsed.headline !== 'string' || !lines) {
      throw badResponse(this.name, 200, 'model JSON is missing fields')
    }
    return { headline: parsed.headline, lines }
  }

  async answer(input: AnswerInput) {
    const parsed = await this.json(
      'You answer a rugby coach\'s question using only the numbered evidence. Reply with JSON {"answer": two or three sentences, "citedIds": ids of the evidence you used}.',
      { question: input.question, evidence: input.evidence.slice(0, 20) },
    )
    const cited = strings(parsed.citedIds, 20)
    if (typeof parsed.answer !== 'string' || !cited) {
      throw badResponse(this.name, 200, 'model JSON is missing fields')
    }
    return { answer: parsed.answer, citedIds: cited }
  }
}

export class ElevenLabsSpeech implements SpeechProvider {
  readonly name = 'elevenlabs'
  constructor(
    private readonly apiKey: string,
    private readonly voiceId: string,
    private readonly fetcher: Fetch = fetch,
    private readonly baseUrl = 'https://api.elevenlabs.io/v1',
    private readonly policy: CallPolicy = defaults(60_000),
  ) {}
  async speak(text: string) {
    const res = await call(
      this.name,
      this.fetcher,
      `${this.baseUrl}/text-to-speech/${encodeURIComponent(this.voiceId)}`,
      {
        method: 'POST',
        headers: {
          'xi-api-key': this.apiKey,
          'content-type': 'application/json',
          accept: 'audio/mpeg',
        },
        body: JSON.stringify({ text, model_id: 'eleven_multilingual_v2' }),
      },
      this.policy,
    )
    const audio = new Uint8Array(await res.arrayBuffer())
    if (audio.length === 0) throw badResponse(this.name, res.status, 'empty audio')
    return { audio, contentType: 'audio/mpeg' }
  }
}

export class MailgunMail implements MailProvider {
  readonly name = 'mailgun'
  constructor(
    private readonly apiKey: string,
    private readonly domain: string,
    private readonly from: string,
    private readonly fetcher: Fetch = fetch,
    private readonly baseUrl = 'https://api.mailgun.net/v3',
    private readonly policy: CallPolicy = defaults(15_000),
  ) {}
  async send(message: MailMessage) {
    const form = new URLSearchParams({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
    })
    const res = await call(
      this.name,
      this.fetcher,
      `${this.baseUrl}/${encodeURIComponent(this.domain)}/messages`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${btoa(`api:${this.apiKey}`)}` },
        body: form,
      },
      this.policy,
    )
    const body = (await res.json().catch(() => ({}))) as { id?: string }
    return { id: body.id ?? '' }
  }
}
