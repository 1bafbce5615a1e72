import type { MeResponse } from './types'
import type { RouteLocationRaw } from 'vue-router'

/** AUTH-4: admin → admin console; no org → onboarding; one org → its page; several → home. */
export function landingRoute(me: MeResponse, hasAdminConsole: boolean): RouteLocationRaw {
  if (me.landing === 'admin' && hasAdminConsole) return { name: 'admin' }
  const orgs = me.memberships
  if (orgs.length === 0) return { name: me.landing === 'admin' ? 'home' : 'onboarding' }
  if (orgs.length === 1 || me.landing === 'org') {
    const primary = orgs.find((m) => m.org.id === me.primaryOrgId) ?? orgs[0]
    return { name: 'org', params: { orgId: primary!.org.id } }
  }
  return { name: 'home' }
}
