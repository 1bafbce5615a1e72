// Writing a narration's embedding, shared by the write paths (narrations) and the NARR-4
// backfill (admin). Apart from _shared/sql.ts so functions that never embed don't load providers.
import type { Tx } from './db.ts'
import { vectorLiteral } from './providers/index.ts'
import { NARRATION_TEXT } from './sql.ts'

/**
 * Stores a narration's embedding made by `model` (NARR-4). With `ifText`, only while the
 * narration's text is still the one that was embedded, so an edit in between keeps its own;
 * false when no row was written.
 */
export async function storeNarrationEmbedding(
  tx: Tx,
  id: string,
  embedding: { vector: number[]; model: string },
  ifText?: string,
): Promise<boolean> {
  const written = await tx.unsafe(
    `update public.narrations n
        set embedding = $2::extensions.halfvec, embedding_model = $3
      where n.id = $1 and ($4::text is null or ${NARRATION_TEXT} = $4) returning n.id`,
    [id, vectorLiteral(embedding.vector), embedding.model, ifText ?? null],
  )
  return written.length > 0
}
