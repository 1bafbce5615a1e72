import { api } from './api'

// WL-1: the public `waitlist` function.
export const waitlistApi = {
  join: (body: {
    email: string
    name?: string
    organization?: string
    role?: string
    message?: string
    website?: string
  }) => api('POST', 'waitlist', body),
}
