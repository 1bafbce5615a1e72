// Response and request shapes of the `tags` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.

export interface TaxonomyTag {
  type: 'action' | 'context'
  key: string
  label: string
}

/** TAG-3: a tag suggested from a clip's narrations, waiting for (or past) a staff decision. */
export interface TagSuggestion {
  id: string
  type: string
  key: string
  status: string
  confidence: number | null
}

export type NewTag =
  | { segmentId: string; tagType: 'action' | 'context'; tagKey: string }
  | { segmentId: string; tagType: 'identity'; userId: string }
