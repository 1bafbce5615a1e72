// Production provider clients over plain fetch (no SDKs: fewer cold-start bytes, and the exact
// requests are what the recorded-contract tests pin down).
import {
  type EmbeddingProvider,
  type MailMessage,
  type MailProvider,
  ProviderError,
  type SpeechProvider,
  type SummaryProvider,
  type TranscriptionProvider,
} from './types.ts'

export type Fetch = typeof fetch

async function expectOk(provider: string, res: Response): Promise<Response> {
  if (res.ok) return res
  const text = await res.text().catch(() => '')
  throw new ProviderError(provider, res.status, text.slice(0, 300) || res.statusText)
}

export class OpenAITranscription implements TranscriptionProvider {
  readonly name = 'openai-whisper'
  constructor(
    private readonly apiKey: string,
    private readonly fetcher: Fetch = fetch,
    private readonly baseUrl = 'https://api.openai.com/v1',
    private readonly timeoutMs = 60_000,
  ) {}
  async transcribe(input: { audio: Uint8Array; contentType: string; language?: string }) {
    const form = new FormData()
    const ext = input.contentType.includes('webm')
      ? 'webm'
      : input.contentType.includes('ogg')
        ? 'ogg'
        : 'mp4'
    form.append(
      'file',
      new Blob([input.audio as BlobPart], { type: input.contentType }),
      `narration.${ext}`,
    )
    form.append('model', 'whisper-1')
    form.append('response_format', 'json')
    if (input.language) form.append('language', input.language.slice(0, 2))
    const res = await expectOk(
      this.name,
      await this.fetcher(`${this.baseUrl}/audio/transcriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}` },
        body: form,
        signal: AbortSignal.timeout(this.timeoutMs),
      }),
    )
    const body = (await res.json()) as { text?: string; language?: string }
    if (typeof body.text !== 'string')
      throw new ProviderError(this.name, res.status, 'no text in response')
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
  ) {}
  async embed(texts: string[]) {
    const res = await expectOk(
      this.name,
      await this.fetcher(`${this.baseUrl}/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'text-embedding-3-small',
          input: texts,
          dimensions: this.dimensions,
        }),
        signal: AbortSignal.timeout(30_000),
      }),
    )
    const body = (await res.json()) as { data?: Array<{ index: number; embedding: number[] }> }
    const data = [...(body.data ?? [])].sort((a, b) => a.index - b.index)
    if (data.length !== texts.length || data.some((d) => d.embedding.length !== this.dimensions)) {
      throw new ProviderError(this.name, res.status, 'unexpected embedding shape')
    }
    return data.map((d) => d.embedding)
  }
}

export class OpenAISummaries implements SummaryProvider {
  readonly name = 'openai-gpt-4o-mini'
  constructor(
    private readonly apiKey: string,
    private readonly fetcher: Fetch = fetch,
    private readonly baseUrl = 'https://api.openai.com/v1',
  ) {}
  async segmentInsight(input: { narrations: string[]; tags: string[] }) {
    const res = await expectOk(
      this.name,
      await this.fetcher(`${this.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          temperature: 0.2,
          response_format: { type: 'json_object' },
          messages: [
            {
              role: 'system',
              content:
                'You are a rugby coach. Reply with JSON {"headline": 3-6 words, "summary": one sentence, "coachScript": what the coach says to the player}.',
            },
            {
              role: 'user',
              content: JSON.stringify({
                narrations: input.narrations.slice(0, 50),
                tags: input.tags,
              }),
            },
          ],
        }),
        signal: AbortSignal.timeout(30_000),
      }),
    )
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: string } }> }
    const content = body.choices?.[0]?.message?.content ?? ''
    let parsed: { headline?: unknown; summary?: unknown; coachScript?: unknown }
    try {
      parsed = JSON.parse(content)
    } catch {
      throw new ProviderError(this.name, res.status, 'model did not return JSON')
    }
    if (
      typeof parsed.headline !== 'string' ||
      typeof parsed.summary !== 'string' ||
      typeof parsed.coachScript !== 'string'
    ) {
      throw new ProviderError(this.name, res.status, 'model JSON is missing fields')
    }
    return { headline: parsed.headline, summary: parsed.summary, coachScript: parsed.coachScript }
  }
}

export class ElevenLabsSpeech implements SpeechProvider {
  readonly name = 'elevenlabs'
  constructor(
    private readonly apiKey: string,
    private readonly voiceId: string,
    private readonly fetcher: Fetch = fetch,
    private readonly baseUrl = 'https://api.elevenlabs.io/v1',
  ) {}
  async speak(text: string) {
    const res = await expectOk(
      this.name,
      await this.fetcher(`${this.baseUrl}/text-to-speech/${encodeURIComponent(this.voiceId)}`, {
        method: 'POST',
        headers: {
          'xi-api-key': this.apiKey,
          'content-type': 'application/json',
          accept: 'audio/mpeg',
        },
        body: JSON.stringify({ text, model_id: 'eleven_multilingual_v2' }),
        signal: AbortSignal.timeout(60_000),
      }),
    )
    return { audio: new Uint8Array(await res.arrayBuffer()), contentType: 'audio/mpeg' }
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
  ) {}
  async send(message: MailMessage) {
    const form = new URLSearchParams({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
    })
    const res = await expectOk(
      this.name,
      await this.fetcher(`${this.baseUrl}/${encodeURIComponent(this.domain)}/messages`, {
        method: 'POST',
        headers: { authorization: `Basic ${btoa(`api:${this.apiKey}`)}` },
        body: form,
        signal: AbortSignal.timeout(15_000),
      }),
    )
    const body = (await res.json()) as { id?: string }
    return { id: body.id ?? '' }
  }
}
