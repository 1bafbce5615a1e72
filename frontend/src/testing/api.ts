import { vi } from 'vitest'

/**
 * Stands in for `services/api`'s `api` in component tests: every service reaches the server
 * through it, so a test serves routes (method and path) and asserts on the calls.
 *
 *   vi.mock('../../services/api', (original) => import('../../testing/api').then((m) => m.withApiMock(original)))
 */
export const apiMock = vi.fn()

/** The real `services/api` module (ApiError, withQuery…) with `api` replaced by `apiMock`. */
export async function withApiMock(importOriginal: () => Promise<unknown>) {
  const real = (await importOriginal()) as typeof import('../services/api')
  return { ...real, api: (...args: unknown[]) => apiMock(...args) }
}
