// The one query `health` runs: whether the primary database answers at all.
import { primary } from '../_shared/db.ts'

/** True when the primary answers a trivial query; any failure (down, refused, timeout) is false. */
export async function databaseUp(): Promise<boolean> {
  try {
    await primary()`select 1`
    return true
  } catch {
    return false
  }
}
