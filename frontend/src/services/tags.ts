import { api } from './api'
import { getItems } from './request'
import type { SegmentTag } from './segments'

// TAG-1..3: the `tags` function.

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

export const tagsApi = {
  taxonomy: () => api<{ version: number; tags: TaxonomyTag[] }>('GET', 'tags/taxonomy'),
  add: (body: NewTag) => api<{ tag: SegmentTag }>('POST', 'tags', body),
  /** A player tags themself in a clip (it then shows under their moments). */
  self: (segmentId: string) => api<{ tag: SegmentTag }>('POST', 'tags/self', { segmentId }),
  remove: (id: string) => api<unknown>('DELETE', `tags/${id}`),

  suggestions: (segmentId: string) => getItems<TagSuggestion>('tags/suggestions', { segmentId }),
  suggest: (segmentId: string) =>
    api<{ items: TagSuggestion[] }>('POST', 'tags/suggestions/generate', { segmentId }),
  decide: (ids: string[], decision: 'applied' | 'rejected') =>
    api('POST', 'tags/suggestions/decide', { ids, decision }),
}
