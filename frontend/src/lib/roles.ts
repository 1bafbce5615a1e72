import type { OrgRole } from './types'

/** Org roles from lowest to highest rank (PRODUCT.md, Roles). */
export const ROLE_RANK: Record<OrgRole, number> = { member: 0, staff: 1, manager: 2, owner: 3 }

export function hasRole(role: OrgRole | null | undefined, atLeast: OrgRole): boolean {
  return role ? ROLE_RANK[role] >= ROLE_RANK[atLeast] : false
}

export function roleLabel(role: OrgRole): string {
  return { owner: 'Owner', manager: 'Manager', staff: 'Staff', member: 'Member' }[role]
}
