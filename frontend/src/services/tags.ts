import { api } from './api'
import { getItems } from './request'
import type { SegmentTag } from './segments'
import type { TaxonomyTag, TagSuggestion, NewTag } from '../../../contracts/api/tags.ts'

export type * from '../../../contracts/api/tags.ts'

// TAG-1..3: the `tags` function.

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
