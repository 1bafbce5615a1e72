// `tags`: the versioned taxonomy (TAG-1), staff and identity tags, self-tags (TAG-2) and AI
// suggestions with review (TAG-3; decisions are kept).
import { z } from 'zod'
import type { SuggestionStatus, TagType } from '../../../contracts/enums.ts'
import { asUser, readAsUser } from '../_shared/db.ts'
import {
  HttpError,
  json,
  noContent,
  notFound,
  parseBody,
  parseQuery,
  uuidParam,
} from '../_shared/http.ts'
import { isOrgMember, requireOrgRole, withOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import * as store from './store.ts'
import { segmentOrg, taxonomy } from './store.ts'
import { suggestFromText } from './suggest.ts'

/** Staff tag from the taxonomy; identity tags name a member instead. */
const TAXONOMY_TYPES = ['action', 'context'] as const satisfies readonly TagType[]
/** A review decides a pending suggestion one way or the other. */
const DECISIONS = ['applied', 'rejected'] as const satisfies readonly SuggestionStatus[]

const TagKey = z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'must be a taxonomy key')
const AddTag = z.discriminatedUnion('tagType', [
  z.object({ segmentId: z.uuid(), tagType: z.enum(TAXONOMY_TYPES), tagKey: TagKey }).strict(),
  z.object({ segmentId: z.uuid(), tagType: z.literal('identity'), userId: z.uuid() }).strict(),
])
const SegmentQuery = z.object({ segmentId: z.uuid({ message: 'must be a UUID' }) })
const SelfTag = z.object({ segmentId: z.uuid() }).strict()
// TAG-3 review: the selected suggestions (`ids`), or every pending one of a segment (`segmentId`).
const Decide = z
  .object({
    ids: z.array(z.uuid()).min(1).max(100).optional(),
    segmentId: z.uuid().optional(),
    decision: z.enum(DECISIONS),
  })
  .strict()
  .refine((v) => (v.ids === undefined) !== (v.segmentId === undefined), {
    message: 'give the suggestion ids or a segmentId',
    path: ['ids'],
  })

export const tagRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/taxonomy',
    handler: async ({ user }) => json(await readAsUser(user, taxonomy)),
  },
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ url, user }) => {
      const { segmentId } = parseQuery(url, SegmentQuery)
      const items = await withOrgRole(readAsUser, user, segmentOrg(segmentId), 'member', (tx) =>
        store.segmentTags(tx, segmentId),
      )
      return json({ items })
    },
  },
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, AddTag)
      const segment = segmentOrg(input.segmentId)
      const row = await withOrgRole(asUser, user, segment, 'staff', async (tx, orgId) => {
        const isIdentity = input.tagType === 'identity'
        const userId = isIdentity ? input.userId : null
        const key = isIdentity ? 'player' : input.tagKey
        // Idempotent: an identical tag is returned instead of duplicated.
        const existing = isIdentity
          ? await store.identityTag(tx, input.segmentId, input.userId)
          : await store.taxonomyTag(tx, input.segmentId, input.tagType, key)
        if (existing) return { tag: existing, created: false }
        if (isIdentity && !(await isOrgMember(tx, orgId, input.userId))) {
          throw new HttpError(
            400,
            'NOT_A_MEMBER',
            'Identity tags name a member of the organization.',
          )
        }
        const tag = await store.insertTag(tx, {
          orgId,
          segmentId: input.segmentId,
          type: input.tagType,
          key,
          userId,
          source: 'staff',
          createdBy: user.id,
        })
        return { tag, created: true }
      })
      return json({ tag: row.tag }, row.created ? 201 : 200)
    },
  },
  {
    method: 'POST',
    pattern: '/self',
    handler: async ({ req, user }) => {
      const { segmentId } = await parseBody(req, SelfTag)
      const segment = segmentOrg(segmentId)
      const tag = await withOrgRole(asUser, user, segment, 'member', async (tx, orgId) => {
        const existing = await store.identityTag(tx, segmentId, user.id)
        if (existing) return existing
        return await store.insertTag(tx, {
          orgId,
          segmentId,
          type: 'identity',
          key: 'player',
          userId: user.id,
          source: 'self',
          createdBy: user.id,
        })
      })
      return json({ tag }, 201)
    },
  },
  {
    method: 'DELETE',
    pattern: '/:tagId',
    handler: async ({ params, user }) => {
      const id = uuidParam(params.tagId)
      await asUser(user, async (tx) => {
        if (!(await store.tagVisible(tx, id))) throw notFound('Tag not found.')
        if (!(await store.deleteTag(tx, id)))
          throw new HttpError(403, 'FORBIDDEN', 'Only staff remove this tag.')
      })
      return noContent()
    },
  },
  {
    method: 'POST',
    pattern: '/suggestions/generate',
    handler: async ({ req, user }) => {
      const { segmentId } = await parseBody(req, SelfTag)
      const segment = segmentOrg(segmentId)
      const items = await withOrgRole(asUser, user, segment, 'staff', async (tx, orgId) => {
        const { version, tags } = await taxonomy(tx)
        const suggestions = suggestFromText(
          await store.narrationTexts(tx, segmentId),
          tags,
          await store.presentTagKeys(tx, segmentId),
        )
        await store.insertSuggestions(tx, orgId, segmentId, version, suggestions)
        return await store.suggestionsBrief(tx, segmentId)
      })
      return json({ items })
    },
  },
  {
    method: 'GET',
    pattern: '/suggestions',
    handler: async ({ url, user }) => {
      const { segmentId } = parseQuery(url, SegmentQuery)
      const items = await withOrgRole(readAsUser, user, segmentOrg(segmentId), 'staff', (tx) =>
        store.suggestions(tx, segmentId),
      )
      return json({ items })
    },
  },
  {
    method: 'POST',
    pattern: '/suggestions/decide',
    handler: async ({ req, user }) => {
      const { ids, segmentId, decision } = await parseBody(req, Decide)
      const decided = await asUser(user, async (tx) => {
        if (segmentId) await requireOrgRole(tx, await segmentOrg(segmentId)(tx), 'staff')
        const found = await store.findSuggestions(tx, { segmentId, ids })
        // Suggestions are visible to staff only: an id the caller cannot see is not found,
        // rather than a silent "decided 0".
        if (ids && found.length < new Set(ids).size) throw notFound('Suggestion not found.')
        for (const orgId of new Set(found.map((r) => r.org_id)))
          await requireOrgRole(tx, orgId, 'staff')
        // Already decided ones keep their decision (a repeat is a no-op).
        const rows = found.filter((r) => r.status === 'pending')
        for (const r of rows) await store.decideSuggestion(tx, r, decision, user.id)
        return rows.length
      })
      return json({ decided })
    },
  },
]
