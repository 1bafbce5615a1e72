import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { MeResponse } from '../lib/types'
import { apiMock } from '../testing/api'

vi.mock('../services/api', (original) =>
  import('../testing/api').then((m) => m.withApiMock(original)),
)
vi.mock('../services/supabase', () => ({ supabase: () => ({}) }))

const { ApiError } = await import('../services/api')
const { useSessionStore } = await import('./session')

const me = (id: string): MeResponse => ({
  user: { id, email: `${id}@example.test` },
  profile: null,
  memberships: [{ role: 'member', org: { id: 'o1', slug: 'c', name: 'Club', type: 'team' } }],
  primaryOrgId: 'o1',
  landing: 'org',
})

function signedInAs(id: string) {
  const store = useSessionStore()
  store.session = { user: { id } } as never
  return store
}

describe('session offline context (B-6)', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.clear()
    apiMock.mockReset()
  })

  it('remembers the last context and uses it when the network is down', async () => {
    apiMock.mockResolvedValueOnce(me('u1'))
    await signedInAs('u1').loadMe()
    setActivePinia(createPinia())
    apiMock.mockRejectedValueOnce(new ApiError(0, 'NETWORK', 'offline'))
    const store = signedInAs('u1')
    expect((await store.loadMe()).user.id).toBe('u1')
    expect(store.roleIn('o1')).toBe('member')
  })

  it('never hands one user the context of another', async () => {
    apiMock.mockResolvedValueOnce(me('u1'))
    await signedInAs('u1').loadMe()
    setActivePinia(createPinia())
    apiMock.mockRejectedValueOnce(new ApiError(0, 'NETWORK', 'offline'))
    await expect(signedInAs('u2').loadMe()).rejects.toThrow('offline')
  })

  it('does not hide server refusals behind the cache', async () => {
    apiMock.mockResolvedValueOnce(me('u1'))
    await signedInAs('u1').loadMe()
    apiMock.mockRejectedValueOnce(new ApiError(401, 'UNAUTHORIZED', 'log in'))
    await expect(signedInAs('u1').loadMe()).rejects.toThrow('log in')
  })
})
