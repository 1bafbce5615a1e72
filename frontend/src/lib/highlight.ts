// NARR-5: the server highlights matches with <mark>…</mark> (ts_headline) inside user-written text.
// The snippet is split into plain-text parts instead of being rendered as HTML, so a narration that
// contains markup can never inject it into the page.
export interface HighlightPart {
  text: string
  hit: boolean
}

export function highlightParts(snippet: string): HighlightPart[] {
  const parts: HighlightPart[] = []
  const pattern = /<mark>([\s\S]*?)<\/mark>/g
  let last = 0
  for (const match of snippet.matchAll(pattern)) {
    if (match.index > last) parts.push({ text: snippet.slice(last, match.index), hit: false })
    if (match[1]) parts.push({ text: match[1], hit: true })
    last = match.index + match[0].length
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last), hit: false })
  return parts
}
