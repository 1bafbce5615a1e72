// The waitlist insert, as the anonymous role (RLS lets anyone add a row and nobody read one).
import { asAnon } from '../_shared/db.ts'

export interface WaitlistEntry {
  email: string
  name?: string
  organization?: string
  role?: string
  message?: string
}

/** Throws the unique violation (23505) when the email is already on the list. */
export async function joinWaitlist(e: WaitlistEntry) {
  await asAnon(
    (tx) => tx`insert into public.waitlist (email, name, organization, role, message)
               values (${e.email}, ${e.name ?? null}, ${e.organization ?? null},
                       ${e.role ?? null}, ${e.message ?? null})`,
  )
}
