// SQL helpers shared by the domains' store modules.
import type { Tx } from './db.ts'
import { notFound } from './http.ts'

/** Escapes LIKE wildcards so a search for `50%` means the text, not a pattern. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** `likePattern` for an optional search term: null (no filter) when the term is empty. */
export const likeOrNull = (q?: string | null): string | null => (q ? likePattern(q) : null)

/** The text a narration shows: the cleaned transcript when there is one, else the raw one. */
export const NARRATION_TEXT = `coalesce(nullif(n.clean_transcript, ''), n.raw_transcript)`

/** Org-owned tables whose rows name their org in `org_id`. */
export type OrgOwnedTable = 'assignments' | 'groups' | 'media_assets' | 'playlists' | 'segments'

/**
 * The org a row belongs to (visible under the caller's RLS), or 404 with `missing`: the first
 * step of every route that authorizes by the row's org.
 */
export async function orgOf(
  tx: Tx,
  table: OrgOwnedTable,
  id: string,
  missing: string,
): Promise<string> {
  const [row] = await tx.unsafe<{ org_id: string }[]>(
    `select org_id from public.${table} where id = $1`,
    [id],
  )
  if (!row) throw notFound(missing)
  return row.org_id
}

/** The id of the profile with `username`, as far as `tx` may see it (RLS or a service step). */
export async function profileIdByUsername(tx: Tx, username: string): Promise<string | undefined> {
  const [row] = await tx<
    { id: string }[]
  >`select id from public.profiles where username = ${username}`
  return row?.id
}

/**
 * `orgOf` for one table, as the lookup `withOrgRole` takes: `groupOrg(id)` finds a group's org
 * (or answers `missing`).
 */
export const orgLookup =
  (table: OrgOwnedTable, missing: string) =>
  (id: string) =>
  (tx: Tx): Promise<string> =>
    orgOf(tx, table, id, missing)
