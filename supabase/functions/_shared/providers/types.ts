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

export interface SummaryProvider {
  readonly name: string
  segmentInsight(input: SegmentInsightInput): Promise<{
    headline: string
    summary: string
    coachScript: string
  }>
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

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(`${provider}: ${message}`)
  }
}
