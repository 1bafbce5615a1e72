// NARR-4 backfill: narrations with no embedding (a provider failure at write time, rows from
// before embeddings, an edit whose refresh failed) or one from another model get embedded in
// batches. Idempotent: a second run finds nothing to do.
import { asService } from '../_shared/db.ts'
import { embeddings, vectorLiteral } from '../_shared/providers/index.ts'
import { NARRATION_TEXT as TEXT } from '../_shared/sql.ts'

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
  const report: BackfillReport = {
    model: provider.name,
    batches: 0,
    embedded: 0,
    failed: 0,
    remaining: 0,
  }
  const org = options.orgId ?? null
  // Keyset over ids, so a batch that failed is not picked again in the same run.
  let after = '00000000-0000-0000-0000-000000000000'
  for (let b = 0; b < options.maxBatches; b++) {
    const batch = await asService(
      'list-narrations-to-embed',
      (tx) => tx<{ id: string; text: string }[]>`
        select n.id, ${tx.unsafe(TEXT)} as text from public.narrations n
         where n.id > ${after} and (${org}::uuid is null or n.org_id = ${org}::uuid)
           and ${tx.unsafe(TEXT)} <> ''
           and (n.embedding is null or n.embedding_model is distinct from ${provider.name})
         order by n.id limit ${options.batchSize}`,
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
          const done = await tx`
            update public.narrations n
               set embedding = ${vectorLiteral(vectors[i]!)}::extensions.halfvec,
                   embedding_model = ${provider.name}
             where n.id = ${row.id} and ${tx.unsafe(TEXT)} = ${row.text} returning n.id`
          count += done.length
        }
        return count
      },
      actor,
    )
    report.embedded += written
    report.failed += batch.length - written
  }
  const [left] = await asService(
    'count-narrations-to-embed',
    (tx) => tx<{ count: number }[]>`
      select count(*)::int as count from public.narrations n
       where (${org}::uuid is null or n.org_id = ${org}::uuid) and ${tx.unsafe(TEXT)} <> ''
         and (n.embedding is null or n.embedding_model is distinct from ${provider.name})`,
    actor,
  )
  report.remaining = left?.count ?? 0
  return report
}
