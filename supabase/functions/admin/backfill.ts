// NARR-4 backfill: narrations with no embedding (a provider failure at write time, rows from
// before embeddings, an edit whose refresh failed) or one from another model get embedded in
// batches. Idempotent: a second run finds nothing to do.
import { asService } from '../_shared/db.ts'
import { storeNarrationEmbedding } from '../_shared/narration-embedding.ts'
import { embeddings } from '../_shared/providers/index.ts'
import { countNarrationsToEmbed, narrationsToEmbed } from './store.ts'

export interface BackfillReport {
  model: string
  batches: number
  embedded: number
  failed: number
  /** Narrations still without a current embedding after this run (more batches, or failures). */
  remaining: number
}

export async function backfillEmbeddings(
  actor: string,
  options: { batchSize: number; maxBatches: number; orgId?: string },
): Promise<BackfillReport> {
  const provider = embeddings()
  const model = provider.name
  const report: BackfillReport = { model, batches: 0, embedded: 0, failed: 0, remaining: 0 }
  const orgId = options.orgId ?? null
  // Keyset over ids, so a batch that failed is not picked again in the same run.
  let after = '00000000-0000-0000-0000-000000000000'
  for (let b = 0; b < options.maxBatches; b++) {
    const batch = await asService(
      'list-narrations-to-embed',
      (tx) => narrationsToEmbed(tx, { orgId, model, after, limit: options.batchSize }),
      actor,
    )
    if (batch.length === 0) break
    report.batches++
    after = batch[batch.length - 1]!.id
    let vectors: number[][]
    try {
      vectors = await provider.embed(batch.map((r) => r.text))
    } catch {
      report.failed += batch.length
      continue
    }
    const written = await asService(
      'store-backfilled-embeddings',
      async (tx) => {
        let count = 0
        for (const [i, row] of batch.entries()) {
          // Only when the text is still the one embedded: an edit in between keeps its own.
          const stored = { vector: vectors[i]!, model }
          if (await storeNarrationEmbedding(tx, row.id, stored, row.text)) count++
        }
        return count
      },
      actor,
    )
    report.embedded += written
    report.failed += batch.length - written
  }
  report.remaining = await asService(
    'count-narrations-to-embed',
    (tx) => countNarrationsToEmbed(tx, orgId, model),
    actor,
  )
  return report
}
