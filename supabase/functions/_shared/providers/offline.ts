// Deterministic offline providers: the product flow works end to end without network or keys,
// and tests get stable outputs.
import type {
  EmbeddingProvider,
  MailMessage,
  MailProvider,
  SpeechProvider,
  SummaryProvider,
  TranscriptionProvider,
} from './types.ts'

export class OfflineTranscription implements TranscriptionProvider {
  readonly name = 'offline'
  transcribe(input: { audio: Uint8Array; hint?: string; language?: string }) {
    // The browser's live preview is the best transcript available offline; without it the
    // narration says so instead of pretending (NARR-2: never silently empty).
    const text = input.hint?.trim()
    if (!text) return Promise.reject(new Error('no transcript available offline (no live preview)'))
    return Promise.resolve({ text, language: input.language ?? 'en' })
  }
}

function fnv1a(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9\s]/g, ' ')
    .split(/\s+/)
    .filter((t) => t.length > 1)
}

/** Hashed-feature embeddings: words and word pairs hashed into signed buckets, L2-normalized. */
export class OfflineEmbeddings implements EmbeddingProvider {
  readonly name = 'offline-hashed'
  constructor(readonly dimensions = 1536) {}
  embed(texts: string[]) {
    return Promise.resolve(
      texts.map((text) => {
        const vector = new Array<number>(this.dimensions).fill(0)
        const words = tokens(text)
        const features = [...words, ...words.slice(1).map((w, i) => `${words[i]}_${w}`)]
        for (const feature of features) {
          const bucket = fnv1a(feature, 17) % this.dimensions
          const sign = fnv1a(feature, 29) % 2 === 0 ? 1 : -1
          vector[bucket]! += sign
        }
        const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0))
        // An empty text still needs a valid (non-zero) vector for cosine distance.
        if (norm === 0) {
          vector[0] = 1
          return vector
        }
        return vector.map((v) => Math.round((v / norm) * 1e6) / 1e6)
      }),
    )
  }
}

const STOP = new Set(
  'the a an and or but to of in on at for with is are was were be been it this that they we you he she his her our their from by as not so if then than too very just'.split(
    ' ',
  ),
)

/** Template summaries from the most frequent meaningful words and tags. */
export class OfflineSummaries implements SummaryProvider {
  readonly name = 'offline-template'
  segmentInsight(input: { narrations: string[]; tags: string[] }) {
    const counts = new Map<string, number>()
    for (const word of input.narrations.flatMap(tokens)) {
      if (!STOP.has(word) && word.length > 2) counts.set(word, (counts.get(word) ?? 0) + 1)
    }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    const themes = [...input.tags, ...top.map(([w]) => w)].slice(0, 4)
    const words = themes.length >= 3 ? themes : [...themes, 'phase', 'review', 'focus'].slice(0, 3)
    const headline = words
      .map((w) => w.replace(/_/g, ' '))
      .slice(0, 5)
      .join(' · ')
    const first = input.narrations.find((n) => n.trim())?.trim() ?? 'No narration yet.'
    return Promise.resolve({
      headline,
      summary: `${input.narrations.length} note(s); most said: ${first.slice(0, 200)}`,
      coachScript: `Watch this clip and focus on ${words.slice(0, 2).join(' and ')}. ${first.slice(0, 300)}`,
    })
  }
}

/** A short silent MPEG audio frame sequence: playable, deterministic, sized by the text. */
export class OfflineSpeech implements SpeechProvider {
  readonly name = 'offline-silence'
  speak(text: string) {
    // MPEG-1 Layer III, 32 kbps, 44.1 kHz, mono silent frame (104 bytes), ~26 ms each.
    const frame = new Uint8Array(104)
    frame.set([0xff, 0xfb, 0x10, 0xc4])
    const frames = Math.min(2000, Math.max(10, Math.ceil(text.length * 2)))
    const audio = new Uint8Array(frame.length * frames)
    for (let i = 0; i < frames; i++) audio.set(frame, i * frame.length)
    return Promise.resolve({ audio, contentType: 'audio/mpeg' })
  }
}

/** Local mail: delivered to the platform's mailbox page when configured, kept in memory too. */
export class OfflineMail implements MailProvider {
  readonly name = 'offline-mailbox'
  readonly sent: MailMessage[] = []
  constructor(
    private readonly mailboxUrl?: string,
    private readonly token?: string,
  ) {}
  async send(message: MailMessage) {
    this.sent.push(message)
    if (!this.mailboxUrl) return { id: crypto.randomUUID() }
    const res = await fetch(this.mailboxUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mailbox-token': this.token ?? '' },
      body: JSON.stringify({ from: 'RugbyCodex <no-reply@rugbycodex.local>', ...message }),
      signal: AbortSignal.timeout(5000),
    })
    const body = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error(`mailbox refused the message (${res.status})`)
    return { id: String(body?.message?.id ?? crypto.randomUUID()) }
  }
}
