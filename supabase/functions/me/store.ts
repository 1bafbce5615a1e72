// The caller's profile writes, and the one privileged username lookup sign-up needs.
import { asService, type Tx } from '../_shared/db.ts'
import type { ProfileRow } from './context.ts'

export async function usernameTakenByOther(tx: Tx, username: string, userId: string) {
  const [taken] = await tx`
    select 1 from public.profiles where username = ${username} and id <> ${userId}`
  return Boolean(taken)
}

export async function updateProfile(
  tx: Tx,
  userId: string,
  patch: { name?: string; username?: string; primaryOrgId?: string | null },
) {
  const [row] = await tx<ProfileRow[]>`
    update public.profiles set
      name = coalesce(${patch.name ?? null}, name),
      username = coalesce(${patch.username ?? null}, username),
      primary_org_id = case when ${patch.primaryOrgId !== undefined}
                            then ${patch.primaryOrgId ?? null}::uuid else primary_org_id end
    where id = ${userId}
    returning id, username, name, platform_role, primary_org_id, avatar_url, created_at`
  return row
}

/** Profiles of strangers are invisible under RLS, so availability is a privileged lookup. */
export function usernameExists(username: string) {
  return asService('check-username-availability', async (tx) => {
    const [row] = await tx`select id from public.profiles where username = ${username}`
    return row !== undefined
  })
}
