// Storage usage (ORG-5) and stats (ORG-6).
import type { AuthUser } from '../_shared/auth.ts'
import { readAsUser } from '../_shared/db.ts'
import { notFound } from '../_shared/http.ts'
import { requireOrgRole } from '../_shared/orgs.ts'
import * as store from './store.ts'

export type UsageLevel = 'ok' | 'near' | 'critical'

/** Near the limit at 75 %, critical at 90 % (ORG-5). */
export function usageLevel(used: number, limit: number): UsageLevel {
  if (limit <= 0) return used > 0 ? 'critical' : 'ok'
  const ratio = used / limit
  return ratio >= 0.9 ? 'critical' : ratio >= 0.75 ? 'near' : 'ok'
}

export async function storageUsage(user: AuthUser, orgId: string) {
  return await readAsUser(user, async (tx) => {
    await requireOrgRole(tx, orgId, 'staff')
    const row = await store.storageUsageOf(tx, orgId)
    if (!row) throw notFound('Organization not found.')
    const originals = row.originals ?? 0
    const renditions = row.renditions ?? 0
    const reserved = row.reserved ?? 0
    const used = originals + renditions + reserved
    return {
      originalsBytes: originals,
      renditionsBytes: renditions,
      reservedBytes: reserved,
      usedBytes: used,
      limitBytes: row.limit_bytes,
      percent: row.limit_bytes > 0 ? Math.round((used / row.limit_bytes) * 1000) / 10 : 100,
      level: usageLevel(used, row.limit_bytes),
    }
  })
}

export async function orgStats(user: AuthUser, orgId: string) {
  return await readAsUser(user, async (tx) => {
    await requireOrgRole(tx, orgId, 'manager')
    return await store.orgStats(tx, orgId)
  })
}
