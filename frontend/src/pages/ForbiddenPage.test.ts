import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import ForbiddenPage from './ForbiddenPage.vue'
import { routes } from '../router'

async function forbiddenFrom(from: string | undefined) {
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push({ name: 'forbidden', query: from === undefined ? {} : { from } })
  const wrapper = mount(ForbiddenPage, { global: { plugins: [router] } })
  await flushPromises()
  return wrapper
}

describe('ForbiddenPage', () => {
  it('tells a non-admin that the admin console is for platform admins only', async () => {
    const w = await forbiddenFrom('/admin')
    expect(w.get('[role="alert"] h1').text()).toBe('This console is for platform admins')
    expect(w.text()).toMatch(/platform administrators/)
    expect(w.text()).not.toMatch(/coaching staff|ask a coach/)
  })

  it('keeps the coaching-staff message for org staff screens', async () => {
    const w = await forbiddenFrom('/orgs/o1/members')
    expect(w.get('[role="alert"] h1').text()).toBe('This screen is for coaching staff')
    expect(w.text()).toMatch(/ask a coach or the club owner/)
  })

  it.each([undefined, 'https://evil.example/admin', '/nowhere'])(
    'falls back to the staff message for from=%s',
    async (from) => {
      const w = await forbiddenFrom(from)
      expect(w.get('h1').text()).toBe('This screen is for coaching staff')
    },
  )
})
