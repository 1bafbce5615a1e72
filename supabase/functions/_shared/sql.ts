// SQL helpers shared by the domains' store modules.

/** Escapes LIKE wildcards so a search for `50%` means the text, not a pattern. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** `likePattern` for an optional search term: null (no filter) when the term is empty. */
export const likeOrNull = (q?: string | null): string | null => (q ? likePattern(q) : null)

/** The text a narration shows: the cleaned transcript when there is one, else the raw one. */
export const NARRATION_TEXT = `coalesce(nullif(n.clean_transcript, ''), n.raw_transcript)`
