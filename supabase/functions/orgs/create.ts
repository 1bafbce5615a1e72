// Creating an org directly (walking skeleton; ORG-1 adds the request/approval flow). The org row,
// its owner membership and the creator's primary org are one transaction.
import type { Tx } from '../_shared/db.ts'
import { ORG_COLUMNS, type OrgRow, slugify } from './serialize.ts'

export async function createOrgWithOwner(
  tx: Tx,
  input: { name: string; type: string; ownerId: string; slug?: string },
): Promise<OrgRow> {
  const base = input.slug ?? slugify(input.name)
  for (let attempt = 0; attempt < 6; attempt++) {
    // Taken slugs get a short random suffix; the unique index is the arbiter, not a pre-check.
    const slug = attempt === 0 ? base : `${base.slice(0, 40)}-${crypto.randomUUID().slice(0, 4)}`
    const [created] = await tx<{ id: string }[]>`
      insert into public.organizations (slug, name, type, created_by)
      values (${slug}, ${input.name}, ${input.type}::public.org_type, ${input.ownerId})
      on conflict (slug) do nothing
      returning id`
    if (!created) continue
    await tx`insert into public.org_members (org_id, user_id, role)
             values (${created.id}, ${input.ownerId}, 'owner')`
    await tx`update public.profiles set primary_org_id = ${created.id}
             where id = ${input.ownerId} and primary_org_id is null`
    const [row] = await tx.unsafe<OrgRow[]>(
      `select ${ORG_COLUMNS} from public.organizations o where o.id = $1`,
      [created.id],
    )
    return row!
  }
  throw new Error('could not find a free slug')
}
