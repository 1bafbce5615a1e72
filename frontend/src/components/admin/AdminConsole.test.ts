import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import AdminOrgs from './AdminOrgs.vue'
import AdminUsers from './AdminUsers.vue'
import { ApiError } from '../../services/api'
import { apiMock } from '../../testing/api'
import { demoOrg as org, mountConsole } from '../../testing/admin'

vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)

let mounted: VueWrapper | undefined
const mountAdmin = (component: typeof AdminOrgs | typeof AdminUsers) =>
  mountConsole(component, {
    user: { id: 'admin-id', email: 'a@example.test' },
    profile: null,
    memberships: [],
    primaryOrgId: null,
    landing: 'admin',
  })

describe('admin console (ADM-2)', () => {
  beforeEach(() => apiMock.mockReset())
  afterEach(() => mounted?.unmount())

  it('deletes an org only after its slug is typed, and sends that slug', async () => {
    apiMock.mockResolvedValue({ items: [org] })
    const wrapper = await mountAdmin(AdminOrgs)
    await wrapper.get('button[aria-label="Delete Demo Club"]').trigger('click')
    const confirm = () => wrapper.get('form[aria-label="Delete organization"] button[type=submit]')
    expect(confirm().attributes('disabled')).toBeDefined()
    const input = wrapper.get('form[aria-label="Delete organization"] input')
    await input.setValue('Demo Club')
    expect(confirm().attributes('disabled')).toBeDefined()
    await input.setValue('demo-club')
    expect(confirm().attributes('disabled')).toBeUndefined()
    apiMock.mockResolvedValueOnce(undefined).mockResolvedValue({ items: [] })
    await wrapper.get('form[aria-label="Delete organization"]').trigger('submit')
    await flushPromises()
    expect(apiMock).toHaveBeenCalledWith('DELETE', 'admin/orgs/o1', { confirmSlug: 'demo-club' })
  })

  it('edits an org with the new-org form’s fields and puts each problem next to its field', async () => {
    apiMock.mockResolvedValue({ items: [org] })
    const wrapper = await mountAdmin(AdminOrgs)
    await wrapper.get('button[aria-label="Edit Demo Club"]').trigger('click')
    await flushPromises()
    const form = () => wrapper.get('form[aria-label="Edit Demo Club"]')
    const field = (label: string) =>
      form().get(
        `#${form()
          .findAll('label')
          .find((l) => l.text() === label)
          ?.attributes('for')}`,
      )
    const errors = () =>
      form()
        .findAll('.field-error')
        .map((e) => e.text())
    expect(document.activeElement).toBe(field('Name').element)
    expect((field('Slug').element as HTMLInputElement).value).toBe('demo-club')
    expect((field('Storage limit (GiB)').element as HTMLInputElement).value).toBe('10')

    await field('Name').setValue('D')
    await field('Slug').setValue('Demo Club')
    await form().trigger('submit')
    await flushPromises()
    expect(errors()).toEqual([
      expect.stringMatching(/name needs 2 to 120/),
      expect.stringMatching(/slug uses lowercase letters/),
    ])
    expect(document.activeElement).toBe(field('Name').element)
    expect(wrapper.findAll('.alert')).toHaveLength(0)
    expect(apiMock).not.toHaveBeenCalledWith('PATCH', expect.anything(), expect.anything())
    await field('Name').setValue('Demo RFC')
    expect(errors()).toHaveLength(1)

    // The database's unique slug refuses the save: the Slug field says so.
    apiMock.mockRejectedValueOnce(new ApiError(409, 'CONFLICT', 'That already exists.'))
    await field('Slug').setValue('bath')
    await form().trigger('submit')
    await flushPromises()
    expect(apiMock).toHaveBeenCalledWith('PATCH', 'admin/orgs/o1', {
      name: 'Demo RFC',
      slug: 'bath',
    })
    expect(errors()).toEqual(['Another organization already uses that slug. Choose another.'])
    expect(document.activeElement).toBe(field('Slug').element)
    expect(wrapper.findAll('.alert')).toHaveLength(0)
  })

  it('offers no role change on the admin’s own row', async () => {
    apiMock.mockResolvedValue({
      items: [
        { id: 'admin-id', username: 'me', name: 'Me', platform_role: 'admin', org_count: 0 },
        { id: 'u2', username: 'coach', name: 'Coach', platform_role: 'user', org_count: 1 },
      ],
    })
    const wrapper = await mountAdmin(AdminUsers)
    expect(wrapper.find('select[aria-label="Platform role of me"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('(you — ask another admin)')
    const other = wrapper.get('select[aria-label="Platform role of coach"]')
    apiMock.mockResolvedValueOnce({ user: {} })
    await other.setValue('moderator')
    await flushPromises()
    expect(apiMock).toHaveBeenCalledWith('PATCH', 'admin/users/u2', { platformRole: 'moderator' })
  })
})
