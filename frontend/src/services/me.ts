import { api, withQuery } from './api'
import type { MeResponse } from '../lib/types'

// AUTH-1 / AUTH-3 / AUTH-5: the `me` function.
export const meApi = {
  get: () => api<MeResponse>('GET', 'me'),
  update: (body: { name: string; username: string; primaryOrgId: string | null }) =>
    api('PATCH', 'me', body),
  usernameAvailable: async (username: string) =>
    (await api<{ available: boolean }>('GET', withQuery('me/username-available', { username })))
      .available,
}
