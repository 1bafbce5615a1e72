import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Component } from 'vue'
import type { AdminOrg } from '../services/admin'
import type { MeResponse } from '../lib/types'
import { useSessionStore } from '../stores/session'

// ADM-2 / ORG-2 fixtures: an org as the console lists it, and a console component mounted with the
// router links it renders.

export const demoOrg: AdminOrg = {
  id: 'o1',
  slug: 'demo-club',
  name: 'Demo Club',
  type: 'team',
  visibility: 'private',
  storage_limit_bytes: 10 * 1024 ** 3,
  member_count: 5,
  media_count: 4,
  created_at: '2026-01-01T00:00:00Z',
}

/** Mounts a console component in the document (focus is part of what is tested). */
export async function mountConsole(component: Component, me?: MeResponse) {
  const pinia = createPinia()
  setActivePinia(pinia)
  if (me) useSessionStore().me = me
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div />' } },
      { path: '/orgs/:orgId', name: 'org', component: { template: '<div />' } },
    ],
  })
  const wrapper = mount(component, {
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}
