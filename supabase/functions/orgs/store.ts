// Org rows and org requests, read and written as the caller (the database's permission rules
// decide; an end user can only create orgs and requests of their own).
import type { OrgType, OrgVisibility } from '../../../contracts/enums.ts'
import type { Tx } from '../_shared/db.ts'
import { ORG_COLUMNS, type OrgRow } from './serialize.ts'

export async function orgById(tx: Tx, orgId: string): Promise<OrgRow | undefined> {
  const [row] = await tx.unsafe<OrgRow[]>(
    `select ${ORG_COLUMNS} from public.organizations o where o.id = $1`,
    [orgId],
  )
  return row
}

/**
 * private.create_organization makes the org, its join code and the caller's owner membership
 * in one transaction.
 */
export async function createOrg(tx: Tx, name: string, type: OrgType): Promise<OrgRow> {
  const [created] = await tx<{ id: string }[]>`
    select id from private.create_organization(${name}, ${type}::public.org_type)`
  return (await orgById(tx, created!.id))!
}

export async function updateOrg(
  tx: Tx,
  orgId: string,
  patch: { name?: string; bio?: string | null; visibility?: OrgVisibility },
): Promise<OrgRow | undefined> {
  const [org] = await tx.unsafe<OrgRow[]>(
    `update public.organizations o set
       name = coalesce($2, o.name),
       bio = case when $3 then $4 else o.bio end,
       visibility = coalesce($5::public.org_visibility, o.visibility)
     where o.id = $1 returning ${ORG_COLUMNS}`,
    [
      orgId,
      patch.name ?? null,
      patch.bio !== undefined,
      patch.bio ?? null,
      patch.visibility ?? null,
    ],
  )
  return org
}

export function requestsBy(tx: Tx, userId: string) {
  return tx`
    select id, name, type::text as type, message, status::text as status, review_notes,
           reviewed_at, org_id, created_at
    from public.org_requests where requested_by = ${userId} order by created_at desc`
}

export async function insertRequest(
  tx: Tx,
  userId: string,
  r: { name: string; type: OrgType; message?: string },
) {
  const [row] = await tx`
    insert into public.org_requests (requested_by, name, type, message)
    values (${userId}, ${r.name}, ${r.type}::public.org_type, ${r.message ?? null})
    returning id, name, type::text as type, message, status::text as status, created_at`
  return row
}
