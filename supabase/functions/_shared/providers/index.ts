// Provider selection from the environment. Without keys everything is offline and deterministic.
import { env, supabaseUrl } from '../env.ts'
import {
  OfflineEmbeddings,
  OfflineMail,
  OfflineSpeech,
  OfflineSummaries,
  OfflineTranscription,
} from './offline.ts'
import {
  ElevenLabsSpeech,
  MailgunMail,
  OpenAIEmbeddings,
  OpenAISummaries,
  OpenAITranscription,
} from './production.ts'
import type {
  EmbeddingProvider,
  MailProvider,
  SpeechProvider,
  SummaryProvider,
  TranscriptionProvider,
} from './types.ts'

export * from './types.ts'

export const embeddingDimensions = () => Number(env('EMBEDDING_DIMENSIONS') ?? '1536')

export function transcription(): TranscriptionProvider {
  const key = env('OPENAI_API_KEY')
  return key ? new OpenAITranscription(key) : new OfflineTranscription()
}

export function embeddings(): EmbeddingProvider {
  const key = env('OPENAI_API_KEY')
  return key
    ? new OpenAIEmbeddings(key, embeddingDimensions())
    : new OfflineEmbeddings(embeddingDimensions())
}

export function summaries(): SummaryProvider {
  const key = env('OPENAI_API_KEY')
  return key ? new OpenAISummaries(key) : new OfflineSummaries()
}

export function speech(): SpeechProvider {
  const key = env('ELEVENLABS_API_KEY')
  return key
    ? new ElevenLabsSpeech(key, env('ELEVENLABS_VOICE_ID') ?? '21m00Tcm4TlvDq8ikWAM')
    : new OfflineSpeech()
}

let offlineMail: OfflineMail | undefined

export function mail(): MailProvider {
  const key = env('MAILGUN_API_KEY')
  const domain = env('MAILGUN_DOMAIN')
  if (key && domain) {
    return new MailgunMail(key, domain, env('MAIL_FROM') ?? `RugbyCodex <no-reply@${domain}>`)
  }
  // Locally the gateway's mailbox page receives mail (x-mailbox-token = service role key).
  offlineMail ??= new OfflineMail(
    env('SUPABASE_URL') ? `${supabaseUrl()}/mailbox/api/messages` : undefined,
    env('SUPABASE_SERVICE_ROLE_KEY'),
  )
  return offlineMail
}

/** pgvector text form for a halfvec parameter. */
export const vectorLiteral = (v: number[]) => `[${v.join(',')}]`

/**
 * A search query's embedding as a halfvec literal, or null when the provider fails: hybrid
 * search then ranks by full text alone rather than failing the request.
 */
export async function queryVector(text: string): Promise<string | null> {
  try {
    const [vector] = await embeddings().embed([text])
    return vector ? vectorLiteral(vector) : null
  } catch {
    return null
  }
}
