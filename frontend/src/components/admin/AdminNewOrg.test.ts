import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import AdminOrgs from './AdminOrgs.vue'
import { ApiError } from '../../services/api'
import { apiMock } from '../../testing/api'
import { demoOrg as existing, mountConsole } from '../../testing/admin'

// ORG-2 through the admin console: the "New organization" form, its owner search and its errors.
vi.mock('../../services/api', (original) =>
  import('../../testing/api').then((m) => m.withApiMock(original)),
)

const created = { ...existing, id: 'o2', slug: 'bath-academy', name: 'Bath Academy' }
const sam = { id: 'u1', username: 'coach_sam', name: 'Sam Hale', platform_role: 'user' }
const samuel = { id: 'u2', username: 'samuel', name: 'Samuel Orr', platform_role: 'user' }

/** A fake API: the org list (with `created` once it exists), the user search, and the create. */
function serve(create: () => Promise<unknown>) {
  let made = false
  apiMock.mockImplementation(async (method: string, path: string) => {
    if (method === 'GET' && path.startsWith('admin/orgs')) {
      return { items: made ? [created, existing] : [existing], pageSize: 50 }
    }
    if (method === 'GET' && path.startsWith('admin/users')) return { items: [sam, samuel] }
    if (method === 'POST' && path === 'admin/orgs') {
      const res = await create()
      made = true
      return res
    }
    throw new Error(`unexpected ${method} ${path}`)
  })
}

const mountOrgs = () => mountConsole(AdminOrgs)

const form = (w: VueWrapper) => w.get('form[aria-label="New organization"]')
const field = (w: VueWrapper, label: string) => {
  const id = form(w)
    .findAll('label')
    .find((l) => l.text() === label)
    ?.attributes('for')
  return form(w).get(`#${id}`)
}
async function openForm(w: VueWrapper) {
  const open = w.findAll('button').find((b) => b.text() === 'New organization')
  await open!.trigger('click')
}
const posts = () => apiMock.mock.calls.filter(([method]) => method === 'POST')

describe('admin creates an org (ORG-2)', () => {
  let wrapper: VueWrapper
  beforeEach(() => {
    apiMock.mockReset()
    // Only the owner search's typing pause is faked; promises and Vue's scheduler run for real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })
  afterEach(() => {
    wrapper?.unmount()
    vi.useRealTimers()
  })

  it('suggests the slug, finds the owner, creates the org and reloads the list', async () => {
    serve(async () => ({ org: { id: 'o2', slug: 'bath-academy', name: 'Bath Academy' } }))
    wrapper = await mountOrgs()
    await openForm(wrapper)
    expect(wrapper.find('form[aria-label="New organization"]').exists()).toBe(true)

    await field(wrapper, 'Name').setValue('Bath Academy')
    expect((field(wrapper, 'Slug').element as HTMLInputElement).value).toBe('bath-academy')
    await field(wrapper, 'Type').setValue('academy')
    await field(wrapper, 'Visibility').setValue('public')
    await field(wrapper, 'Storage limit (GiB)').setValue('25')
    await field(wrapper, 'Bio (optional)').setValue('U18 academy.')

    // Typing a username exactly picks that person; the other matches stay on offer.
    await field(wrapper, 'Owner').setValue('Samuel')
    expect(apiMock).not.toHaveBeenCalledWith('GET', 'admin/users?q=samuel')
    await vi.runAllTimersAsync()
    await flushPromises()
    expect(apiMock).toHaveBeenCalledWith('GET', 'admin/users?q=samuel')
    expect(form(wrapper).text()).toContain('Samuel Orr (@samuel) will own it.')
    const matches = () => form(wrapper).findAll('[aria-label="Matching users"] button')
    expect(matches().map((b) => b.attributes('aria-label'))).toEqual(['Choose @coach_sam as owner'])
    expect(matches()[0]!.text()).toContain('Sam Hale')
    await matches()[0]!.trigger('click')
    expect((field(wrapper, 'Owner').element as HTMLInputElement).value).toBe('coach_sam')
    expect(form(wrapper).text()).toContain('Sam Hale (@coach_sam) will own it.')
    expect(matches()).toHaveLength(0)

    await form(wrapper).trigger('submit')
    await flushPromises()
    expect(posts()).toEqual([
      [
        'POST',
        'admin/orgs',
        {
          name: 'Bath Academy',
          slug: 'bath-academy',
          ownerUsername: 'coach_sam',
          type: 'academy',
          visibility: 'public',
          bio: 'U18 academy.',
          storageLimitBytes: 25 * 1024 ** 3,
        },
      ],
    ])
    expect(wrapper.get('[role=status]').text()).toBe(
      '“Bath Academy” (bath-academy) created; @coach_sam owns it.',
    )
    expect(wrapper.find('form[aria-label="New organization"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid="admin-org-row"]').map((r) => r.text())).toEqual([
      expect.stringContaining('Bath Academy'),
      expect.stringContaining('Demo Club'),
    ])
    expect(wrapper.emitted('changed')).toHaveLength(1)
  })

  it('keeps the admin’s own slug once typed, and names bad fields before asking the server', async () => {
    serve(async () => ({ org: created }))
    wrapper = await mountOrgs()
    await openForm(wrapper)
    await field(wrapper, 'Name').setValue('Bath')
    await field(wrapper, 'Slug').setValue('bath-u18')
    await field(wrapper, 'Name').setValue('Bath Under 18s')
    expect((field(wrapper, 'Slug').element as HTMLInputElement).value).toBe('bath-u18')
    await field(wrapper, 'Storage limit (GiB)').setValue('')

    await form(wrapper).trigger('submit')
    await flushPromises()
    expect(posts()).toEqual([])
    const errors = form(wrapper)
      .findAll('.field-error')
      .map((e) => e.text())
    expect(errors).toEqual([
      expect.stringMatching(/storage limit is a number of GiB/),
      expect.stringMatching(/Choose the owner/),
    ])
    expect(field(wrapper, 'Owner').attributes('aria-invalid')).toBe('true')
    // Fixing a field clears its message without another submit.
    await field(wrapper, 'Storage limit (GiB)').setValue('5')
    expect(form(wrapper).findAll('.field-error')).toHaveLength(1)
  })

  it('puts a taken slug next to the Slug field, and drops the message once the slug changes', async () => {
    serve(async () => {
      throw new ApiError(409, 'SLUG_TAKEN', 'That slug is already in use.')
    })
    wrapper = await mountOrgs()
    await openForm(wrapper)
    await field(wrapper, 'Name').setValue('Demo Club')
    await field(wrapper, 'Owner').setValue('coach_sam')
    await form(wrapper).trigger('submit')
    await flushPromises()

    expect(posts()).toHaveLength(1)
    const slug = field(wrapper, 'Slug')
    expect(slug.attributes('aria-invalid')).toBe('true')
    expect(
      form(wrapper)
        .findAll('.field-error')
        .map((e) => e.text()),
    ).toEqual(['Another organization already uses that slug. Choose another.'])
    // The message is the Slug field's description, and focus moves there so it is read out.
    expect(slug.attributes('aria-describedby')).toContain(
      form(wrapper).get('.field-error').attributes('id'),
    )
    expect(document.activeElement).toBe(slug.element)
    // Nothing goes to the page alert, and the form keeps what was typed.
    expect(wrapper.findAll('.alert')).toHaveLength(0)
    expect((field(wrapper, 'Owner').element as HTMLInputElement).value).toBe('coach_sam')
    expect(wrapper.emitted('changed')).toBeUndefined()
    expect(
      apiMock.mock.calls.filter(([m, p]) => m === 'GET' && p.startsWith('admin/orgs')),
    ).toHaveLength(1)

    // Other edits keep the message; a new slug is the fix, so the message goes.
    await field(wrapper, 'Storage limit (GiB)').setValue('12')
    expect(form(wrapper).findAll('.field-error')).toHaveLength(1)
    await slug.setValue('demo-club-2')
    expect(form(wrapper).findAll('.field-error')).toHaveLength(0)
    expect(slug.attributes('aria-invalid')).toBe('false')
  })

  it('puts an unknown owner and the server’s field errors on their fields', async () => {
    let refusal = new ApiError(404, 'USER_NOT_FOUND', 'No user has that username.')
    serve(async () => {
      throw refusal
    })
    wrapper = await mountOrgs()
    await openForm(wrapper)
    await field(wrapper, 'Name').setValue('Bath Academy')
    await field(wrapper, 'Owner').setValue('ghost_user')
    await form(wrapper).trigger('submit')
    await flushPromises()
    expect(field(wrapper, 'Owner').attributes('aria-invalid')).toBe('true')
    expect(form(wrapper).get('.field-error').text()).toMatch(/^No user has that username\./)
    expect(document.activeElement).toBe(field(wrapper, 'Owner').element)

    refusal = new ApiError(400, 'VALIDATION_FAILED', 'Some fields are missing or invalid.', {
      name: ['The name is reserved.'],
      storageLimitBytes: ['Too large.'],
    })
    await form(wrapper).trigger('submit')
    await flushPromises()
    expect(
      form(wrapper)
        .findAll('.field-error')
        .map((e) => e.text()),
    ).toEqual(['The name is reserved.', 'Too large.'])
    expect(document.activeElement).toBe(field(wrapper, 'Name').element)
    expect(wrapper.findAll('.alert')).toHaveLength(0)
  })

  it('says a refusal about no field above the buttons; Cancel waits for the save, then clears it', async () => {
    let answer: { reject: (e: unknown) => void } | undefined
    serve(
      () =>
        new Promise((_resolve, reject) => {
          answer = { reject }
        }),
    )
    wrapper = await mountOrgs()
    await openForm(wrapper)
    await field(wrapper, 'Name').setValue('Bath Academy')
    await field(wrapper, 'Owner').setValue('coach_sam')
    await form(wrapper).trigger('submit')
    await flushPromises()
    const cancelButton = () =>
      form(wrapper)
        .findAll('button')
        .find((b) => b.text() === 'Cancel')!
    // Closing mid-save would lose the answer although the org may be created.
    expect(cancelButton().attributes('disabled')).toBeDefined()

    answer!.reject(new ApiError(0, 'NETWORK', 'Could not reach RugbyCodex.'))
    await flushPromises()
    expect(cancelButton().attributes('disabled')).toBeUndefined()
    expect(form(wrapper).get('[role=alert]').text()).toBe(
      'The organization was not created. Could not reach RugbyCodex.',
    )
    expect(form(wrapper).findAll('.field-error')).toHaveLength(0)

    await cancelButton().trigger('click')
    await openForm(wrapper)
    expect(wrapper.findAll('[role=alert]')).toHaveLength(0)
  })

  it('moves focus into the form when it opens and back to its button when it closes', async () => {
    serve(async () => ({ org: { id: 'o2', slug: 'bath-academy', name: 'Bath Academy' } }))
    wrapper = await mountOrgs()
    const newButton = () => wrapper.findAll('button').find((b) => b.text() === 'New organization')
    await openForm(wrapper)
    expect(newButton()).toBeUndefined()
    expect(document.activeElement).toBe(field(wrapper, 'Name').element)

    await form(wrapper)
      .findAll('button')
      .find((b) => b.text() === 'Cancel')!
      .trigger('click')
    await flushPromises()
    expect(document.activeElement).toBe(newButton()!.element)

    await openForm(wrapper)
    expect(document.activeElement).toBe(field(wrapper, 'Name').element)
    await field(wrapper, 'Name').setValue('Bath Academy')
    await field(wrapper, 'Owner').setValue('coach_sam')
    await form(wrapper).trigger('submit')
    await flushPromises()
    expect(wrapper.find('form[aria-label="New organization"]').exists()).toBe(false)
    expect(document.activeElement).toBe(newButton()!.element)
  })
})
