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

const STOP = new Set(
  'the a an and or but to of in on at for with is are was were be been it this that they we you he she his her our their from by as not so if then than too very just'.split(
    ' ',
  ),
)

/** Light suffix stripping so "tackles", "tackled" and "tackling" share a feature. */
export function stem(word: string): string {
  if (word.length <= 4) return word
  for (const suffix of ['ing', 'ers', 'ed', 'es', 'er', 'ly', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      return word.slice(0, -suffix.length)
    }
  }
  return word
}

/** Feature weights of the offline embedder, set against the development set of bench/search
 * (its protocol is in bench/search/index.ts). */
export const EMBEDDING_WEIGHTS = { word: 1, bigram: 0.6, trigram: 0.22 } as const

/**
 * Hashed-feature embeddings, deterministic and offline: each stemmed content word, each pair of
 * neighbouring content words and each character trigram of a word (with boundary marks, so
 * "lineout"/"line-out" or "defence"/"defensive" overlap) adds a signed weight to one of
 * `dimensions` buckets; the vector is L2-normalized, so cosine similarity counts shared features.
 */
export class OfflineEmbeddings implements EmbeddingProvider {
  readonly name = 'offline-hashed'
  constructor(readonly dimensions = 1536) {}
  embedOne(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0)
    const add = (feature: string, weight: number) => {
      const bucket = fnv1a(feature, 17) % this.dimensions
      const sign = fnv1a(feature, 29) % 2 === 0 ? 1 : -1
      vector[bucket]! += sign * weight
    }
    const words = tokens(text)
      .filter((w) => !STOP.has(w))
      .map(stem)
    for (const word of words) add(`w:${word}`, EMBEDDING_WEIGHTS.word)
    for (let i = 1; i < words.length; i++) {
      add(`b:${words[i - 1]}_${words[i]}`, EMBEDDING_WEIGHTS.bigram)
    }
    for (const word of words) {
      const marked = `<${word}>`
      for (let i = 0; i + 3 <= marked.length; i++) {
        add(`c:${marked.slice(i, i + 3)}`, EMBEDDING_WEIGHTS.trigram)
      }
    }
    const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0))
    // An empty text still needs a valid (non-zero) vector for cosine distance.
    if (norm === 0) {
      vector[0] = 1
      return vector
    }
    return vector.map((v) => Math.round((v / norm) * 1e6) / 1e6)
  }
  embed(texts: string[]) {
    return Promise.resolve(texts.map((text) => this.embedOne(text)))
  }
}

/** Words that recur in any coach's notes without naming a theme ("again", "ball", "need"). Only
 * the template summaries skip them; the embedder keeps them (its features are benchmarked). */
const FILLER = new Set(
  'again ball good great well need needs get got make made still really much more some all every time when where what there here them its into out off after before other could should would will can did does has have had back one two'.split(
    ' ',
  ),
)

function topWords(texts: string[]): string[] {
  const counts = new Map<string, number>()
  for (const word of texts.flatMap(tokens)) {
    if (!STOP.has(word) && !FILLER.has(word) && word.length > 2) {
      counts.set(word, (counts.get(word) ?? 0) + 1)
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([w]) => w)
}

const firstSentence = (text: string, max = 200) => {
  const trimmed = text.trim()
  const end = trimmed.search(/[.!?](\s|$)/)
  return (end > 0 ? trimmed.slice(0, end + 1) : trimmed).slice(0, max)
}

/**
 * Template summaries: the tags first, then the most frequent meaningful words, and the notes'
 * own sentences. Deterministic; nothing is said that the narrations do not say.
 */
export class OfflineSummaries implements SummaryProvider {
  readonly name = 'offline-template'
  segmentInsight(input: { narrations: string[]; tags: string[] }) {
    const themes = [...input.tags, ...topWords(input.narrations)].slice(0, 4)
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

  matchSummary(input: { narrations: string[]; tags: string[] }) {
    const themes = [...new Set([...input.tags, ...topWords(input.narrations)])]
      .slice(0, 3)
      .map((w) => w.replace(/_/g, ' '))
    const headline = themes.length > 0 ? `Match themes: ${themes.join(', ')}` : 'Match notes'
    const lines = [
      `${input.narrations.length} narration(s); recurring themes: ${themes.join(', ') || 'none yet'}.`,
      ...input.narrations.filter((n) => n.trim()).map((n) => firstSentence(n)),
    ].slice(0, 3)
    return Promise.resolve({ headline, lines })
  }

  answer(input: { question: string; evidence: Array<{ id: string; text: string }> }) {
    // Cite the notes that share a word with the question (retrieval also returns the merely
    // nearest ones); only when none does, the best-ranked note stands in.
    const asked = new Set(
      tokens(input.question)
        .filter((w) => !STOP.has(w) && !FILLER.has(w))
        .map(stem),
    )
    const onTopic = input.evidence.filter((e) => tokens(e.text).some((w) => asked.has(stem(w))))
    const used = (onTopic.length > 0 ? onTopic : input.evidence).slice(0, 3)
    const answer =
      used.length === 0
        ? 'The narrations do not answer this yet.'
        : `From ${used.length} note(s): ${used.map((e, i) => `[${i + 1}] ${firstSentence(e.text, 160)}`).join(' ')}`
    return Promise.resolve({ answer, citedIds: used.map((e) => e.id) })
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
