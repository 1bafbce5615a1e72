// `tags`: the versioned taxonomy (TAG-1), staff and identity tags, self-tags (TAG-2) and AI
// suggestions with review (TAG-3; decisions are kept).
import { z } from 'zod'
import { getCached, keys, TTL } from '../_shared/cache.ts'
import { asUser, readAsUser, type Tx } from '../_shared/db.ts'
import {
  HttpError,
  json,
  noContent,
  notFound,
  parseBody,
  parseQuery,
  uuidParam,
} from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import type { Route } from '../_shared/router.ts'
import { suggestFromText, type TaxonomyTag } from './suggest.ts'

const TagKey = z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'must be a taxonomy key')
const AddTag = z.discriminatedUnion('tagType', [
  z
    .object({ segmentId: z.uuid(), tagType: z.enum(['action', 'context']), tagKey: TagKey })
    .strict(),
  z.object({ segmentId: z.uuid(), tagType: z.literal('identity'), userId: z.uuid() }).strict(),
])
const SegmentQuery = z.object({ segmentId: z.uuid({ message: 'must be a UUID' }) })
const SelfTag = z.object({ segmentId: z.uuid() }).strict()
// TAG-3 review: the selected suggestions (`ids`), or every pending one of a segment (`segmentId`).
const Decide = z
  .object({
    ids: z.array(z.uuid()).min(1).max(100).optional(),
    segmentId: z.uuid().optional(),
    decision: z.enum(['applied', 'rejected']),
  })
  .strict()
  .refine((v) => (v.ids === undefined) !== (v.segmentId === undefined), {
    message: 'give the suggestion ids or a segmentId',
    path: ['ids'],
  })

async function segmentOrg(tx: Tx, segmentId: string): Promise<string> {
  const [row] = await tx<
    { org_id: string }[]
  >`select org_id from public.segments where id = ${segmentId}`
  if (!row) throw notFound('Segment not found.')
  return row.org_id
}

async function taxonomy(tx: Tx): Promise<{ version: number; tags: TaxonomyTag[] }> {
  return (await getCached(
    keys.global('taxonomy'),
    TTL.static,
    async () => {
      const rows = await tx<
        { version: number; type: 'action' | 'context'; key: string; label: string }[]
      >`
      select t.version, t.type::text as type, t.key, t.label from public.taxonomy_tags t
      where t.version = (select max(version) from public.tag_taxonomy_versions)
      order by t.type, t.sort_order`
      return {
        version: rows[0]?.version ?? 1,
        tags: rows.map(({ type, key, label }) => ({ type, key, label })),
      }
      // Never invalidated (a new taxonomy version waits out the TTL), so safe per isolate.
    },
    { perIsolate: true },
  ))!
}

const TAG_SELECT = `select t.id, t.segment_id, t.tag_type::text as type, t.tag_key as key,
  t.tagged_user_id as user_id, p.username, t.source, t.created_at
  from public.segment_tags t left join public.profiles p on p.id = t.tagged_user_id`

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
      const rows = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, await segmentOrg(tx, segmentId), 'member')
        return await tx.unsafe(`${TAG_SELECT} where t.segment_id = $1 order by t.created_at`, [
          segmentId,
        ])
      })
      return json({ items: rows })
    },
  },
  {
    method: 'POST',
    pattern: '/',
    handler: async ({ req, user }) => {
      const input = await parseBody(req, AddTag)
      const row = await asUser(user, async (tx) => {
        const orgId = await segmentOrg(tx, input.segmentId)
        await requireOrgRole(tx, orgId, 'staff')
        const isIdentity = input.tagType === 'identity'
        const userId = isIdentity ? input.userId : null
        const key = isIdentity ? 'player' : input.tagKey
        // Idempotent: an identical tag is returned instead of duplicated.
        const [existing] = await tx.unsafe(
          `${TAG_SELECT} where t.segment_id = $1 and ${isIdentity ? 't.tagged_user_id = $2' : 't.tag_type = $2::public.tag_type and t.tag_key = $3 and t.tagged_user_id is null'}`,
          (isIdentity
            ? [input.segmentId, userId]
            : [input.segmentId, input.tagType, key]) as never[],
        )
        if (existing) return { tag: existing, created: false }
        if (isIdentity) {
          const [member] =
            await tx`select 1 from public.org_members where org_id = ${orgId} and user_id = ${userId}`
          if (!member)
            throw new HttpError(
              400,
              'NOT_A_MEMBER',
              'Identity tags name a member of the organization.',
            )
        }
        const [created] = await tx<{ id: string }[]>`
          insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, tagged_user_id, source, created_by)
          values (${orgId}, ${input.segmentId}, ${input.tagType}::public.tag_type, ${key}, ${userId}, 'staff', ${user.id})
          returning id`
        const [tag] = await tx.unsafe(`${TAG_SELECT} where t.id = $1`, [created!.id])
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
      const tag = await asUser(user, async (tx) => {
        const orgId = await segmentOrg(tx, segmentId)
        await requireOrgRole(tx, orgId, 'member')
        const [existing] = await tx.unsafe(
          `${TAG_SELECT} where t.segment_id = $1 and t.tagged_user_id = $2`,
          [segmentId, user.id],
        )
        if (existing) return existing
        const [created] = await tx<{ id: string }[]>`
          insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, tagged_user_id, source, created_by)
          values (${orgId}, ${segmentId}, 'identity', 'player', ${user.id}, 'self', ${user.id}) returning id`
        return (await tx.unsafe(`${TAG_SELECT} where t.id = $1`, [created!.id]))[0]
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
        const [visible] = await tx`select 1 from public.segment_tags where id = ${id}`
        if (!visible) throw notFound('Tag not found.')
        const deleted = await tx`delete from public.segment_tags where id = ${id} returning id`
        if (deleted.length === 0)
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
      const items = await asUser(user, async (tx) => {
        const orgId = await segmentOrg(tx, segmentId)
        await requireOrgRole(tx, orgId, 'staff')
        const { version, tags } = await taxonomy(tx)
        const texts = await tx<{ text: string }[]>`
          select coalesce(nullif(clean_transcript, ''), raw_transcript) as text
          from public.narrations where segment_id = ${segmentId}`
        const present = await tx<{ k: string }[]>`
          select tag_type::text || ':' || tag_key as k from public.segment_tags where segment_id = ${segmentId}
          union select tag_type::text || ':' || tag_key from public.tag_suggestions where segment_id = ${segmentId}`
        const suggestions = suggestFromText(
          texts.map((t) => t.text),
          tags,
          new Set(present.map((p) => p.k)),
        )
        for (const s of suggestions) {
          await tx`insert into public.tag_suggestions (org_id, segment_id, tag_type, tag_key, taxonomy_version, confidence)
                   values (${orgId}, ${segmentId}, ${s.type}::public.tag_type, ${s.key}, ${version}, ${s.confidence})
                   on conflict (segment_id, tag_type, tag_key) do nothing`
        }
        return await tx`select id, tag_type::text as type, tag_key as key, status::text as status, confidence
                        from public.tag_suggestions where segment_id = ${segmentId} order by created_at`
      })
      return json({ items })
    },
  },
  {
    method: 'GET',
    pattern: '/suggestions',
    handler: async ({ url, user }) => {
      const { segmentId } = parseQuery(url, SegmentQuery)
      const items = await readAsUser(user, async (tx) => {
        await requireOrgRole(tx, await segmentOrg(tx, segmentId), 'staff')
        return await tx`select id, tag_type::text as type, tag_key as key, status::text as status, confidence,
                          decided_by, decided_at from public.tag_suggestions
                        where segment_id = ${segmentId} order by created_at`
      })
      return json({ items })
    },
  },
  {
    method: 'POST',
    pattern: '/suggestions/decide',
    handler: async ({ req, user }) => {
      const { ids, segmentId, decision } = await parseBody(req, Decide)
      const decided = await asUser(user, async (tx) => {
        if (segmentId) await requireOrgRole(tx, await segmentOrg(tx, segmentId), 'staff')
        const found = await tx<
          {
            id: string
            org_id: string
            segment_id: string
            tag_type: string
            tag_key: string
            status: string
          }[]
        >`
          select id, org_id, segment_id, tag_type::text as tag_type, tag_key, status::text as status
            from public.tag_suggestions
          where ${segmentId ? tx`segment_id = ${segmentId}` : tx`id = any(${ids!}::uuid[])`}
          order by created_at`
        // Suggestions are visible to staff only: an id the caller cannot see is not found,
        // rather than a silent "decided 0".
        if (ids && found.length < new Set(ids).size) throw notFound('Suggestion not found.')
        for (const orgId of new Set(found.map((r) => r.org_id)))
          await requireOrgRole(tx, orgId, 'staff')
        // Already decided ones keep their decision (a repeat is a no-op).
        const rows = found.filter((r) => r.status === 'pending')
        for (const r of rows) {
          if (decision === 'applied') {
            await tx`insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, source, created_by)
                     values (${r.org_id}, ${r.segment_id}, ${r.tag_type}::public.tag_type, ${r.tag_key}, 'ai', ${user.id})
                     on conflict do nothing`
          }
          await tx`update public.tag_suggestions set status = ${decision}::public.suggestion_status,
                     decided_by = ${user.id}, decided_at = now() where id = ${r.id}`
        }
        return rows.length
      })
      return json({ decided })
    },
  },
]
