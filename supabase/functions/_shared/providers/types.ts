// Provider interfaces: every AI and mail dependency is replaceable. Offline implementations
// serve local runs and tests; production clients speak to OpenAI, ElevenLabs and Mailgun.

export interface TranscriptionProvider {
  readonly name: string
  /** Transcribes audio; `hint` is the browser's live preview text, if any. */
  transcribe(input: {
    audio: Uint8Array
    contentType: string
    language?: string
    hint?: string
  }): Promise<{
    text: string
    language: string
  }>
}

export interface EmbeddingProvider {
  readonly name: string
  readonly dimensions: number
  embed(texts: string[]): Promise<number[][]>
}

export interface SegmentInsightInput {
  narrations: string[]
  tags: string[]
}

export interface MatchSummaryInput {
  narrations: string[]
  tags: string[]
}

export interface AnswerInput {
  question: string
  evidence: Array<{ id: string; text: string }>
}

export interface SummaryProvider {
  readonly name: string
  /** AI-1: headline (3–6 words), one sentence, what the coach says. */
  segmentInsight(input: SegmentInsightInput): Promise<{
    headline: string
    summary: string
    coachScript: string
  }>
  /** AI-2: a match headline and up to 3 lines. */
  matchSummary(input: MatchSummaryInput): Promise<{ headline: string; lines: string[] }>
  /** AI-4: an answer from the evidence only, naming the evidence ids it used. */
  answer(input: AnswerInput): Promise<{ answer: string; citedIds: string[] }>
}

export interface SpeechProvider {
  readonly name: string
  /** Returns audio bytes (MPEG) for the text. */
  speak(text: string): Promise<{ audio: Uint8Array; contentType: string }>
}

export interface MailMessage {
  to: string
  subject: string
  text: string
  html?: string
}

export interface MailProvider {
  readonly name: string
  send(message: MailMessage): Promise<{ id: string }>
}

/** Why a provider call failed; decides whether a retry can help and what the UI says. */
export type ProviderErrorKind =
  | 'timeout' // no answer in time
  | 'network' // connection refused, DNS, reset
  | 'rate_limited' // 429
  | 'unavailable' // 5xx
  | 'rejected' // other 4xx: bad key, bad input (retrying repeats the refusal)
  | 'bad_response' // 2xx with a body we cannot use

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly status: number | undefined,
    message: string,
    readonly kind: ProviderErrorKind = status === undefined
      ? 'network'
      : status === 429
        ? 'rate_limited'
        : status >= 500
          ? 'unavailable'
          : status >= 400
            ? 'rejected'
            : 'bad_response',
  ) {
    super(`${provider}: ${message}`)
  }

  get retryable(): boolean {
    return this.kind !== 'rejected' && this.kind !== 'bad_response'
  }
}
