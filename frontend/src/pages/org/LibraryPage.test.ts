import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import LibraryPage from './LibraryPage.vue'
import { useSessionStore } from '../../stores/session'
import type { MediaAsset, MeResponse, OrgRole } from '../../lib/types'

const listMedia = vi.fn()
vi.mock('../../services/media', () => ({
  listMedia: (...args: unknown[]) => listMedia(...args),
  uploadBackend: {},
}))

const ORG = '00000000-0000-4000-8000-000000000001'

function me(role: OrgRole | null, platformRole: 'admin' | 'user' = 'user'): MeResponse {
  return {
    user: { id: 'u1', email: 'u@example.test' },
    profile: { id: 'u1', username: 'u', name: 'U', platformRole, primaryOrgId: ORG },
    memberships: role ? [{ role, org: { id: ORG, slug: 'club', name: 'Club', type: 'team' } }] : [],
    primaryOrgId: role ? ORG : null,
    landing: 'org',
  }
}

const failed: MediaAsset = {
  id: 'a1',
  orgId: ORG,
  name: 'Bad file',
  kind: 'match',
  status: 'failed',
  progress: 0,
  playable: false,
  fileName: 'bad.mp4',
  sizeBytes: 10,
  durationSeconds: null,
  width: null,
  height: null,
  renditions: [],
  error: { code: 'UNSUPPORTED_INPUT', message: "This file isn't a video we can read." },
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
}

async function mountAs(role: OrgRole | null, platformRole: 'admin' | 'user' = 'user') {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().me = me(role, platformRole)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/orgs/:orgId/library', name: 'library', component: LibraryPage },
      { path: '/orgs/:orgId/media/:assetId', name: 'player', component: LibraryPage },
    ],
  })
  await router.push(`/orgs/${ORG}/library`)
  const wrapper = mount(LibraryPage, { global: { plugins: [pinia, router] } })
  await flushPromises()
  return wrapper
}

describe('library role-based visibility (MEDIA-3)', () => {
  beforeEach(() => {
    localStorage.clear()
    listMedia.mockReset()
    listMedia.mockResolvedValue({ items: [failed], total: 1, page: 1, pageSize: 50 })
  })

  it('shows the upload panel to staff and above', async () => {
    for (const role of ['staff', 'manager', 'owner'] as const) {
      const w = await mountAs(role)
      expect(w.find('[data-testid="upload-input"]').exists()).toBe(true)
      w.unmount()
    }
  })

  it('hides uploading from members', async () => {
    const w = await mountAs('member')
    expect(w.find('[data-testid="upload-input"]').exists()).toBe(false)
    expect(w.text()).toContain('Bad file')
  })

  it('lets a platform admin upload in any org', async () => {
    const w = await mountAs(null, 'admin')
    expect(w.find('[data-testid="upload-input"]').exists()).toBe(true)
  })

  it('shows a failed video with its reason inside the status cell', async () => {
    const w = await mountAs('member')
    const row = w.find('[data-testid="media-row"]')
    expect(row.attributes('data-status')).toBe('failed')
    expect(row.find('[data-testid="media-status"]').text()).toContain("isn't a video we can read")
    expect(listMedia).toHaveBeenCalledWith(expect.objectContaining({ orgId: ORG, page: 1 }))
  })
})
