// `me`: the caller's context (AUTH-3/4) and profile settings (AUTH-5).
import { z } from 'zod'
import { getCached, invalidate, keys, TTL } from '../_shared/cache.ts'
import { asUser, readAsUser } from '../_shared/db.ts'
import { conflict, json, parseBody } from '../_shared/http.ts'
import type { Route } from '../_shared/router.ts'
import { loadUserContext, toProfile } from './context.ts'
import { updateProfile, usernameExists, usernameTakenByOther } from './store.ts'

const ProfilePatch = z
  .object({
    name: z.string().trim().max(120).optional(),
    username: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9._-]{3,24}$/, '3–24 characters: a-z, 0-9, dot, underscore or dash')
      .optional(),
    primaryOrgId: z.uuid().nullable().optional(),
  })
  .strict()

export const meRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/',
    handler: async ({ user }) => {
      const context = await getCached(keys.user(user.id, 'me'), TTL.profile, () =>
        readAsUser(user, (tx) => loadUserContext(tx, user)),
      )
      return json(context)
    },
  },
  {
    method: 'PATCH',
    pattern: '/',
    handler: async ({ req, user }) => {
      const patch = await parseBody(req, ProfilePatch)
      const profile = await asUser(user, async (tx) => {
        if (patch.username && (await usernameTakenByOther(tx, patch.username, user.id)))
          throw conflict('USERNAME_TAKEN', 'That username is already taken.')
        return await updateProfile(tx, user.id, patch)
      })
      await invalidate(keys.user(user.id, 'me'))
      return json({ profile: profile ? toProfile(profile) : null })
    },
  },
  {
    method: 'GET',
    pattern: '/username-available',
    // Sign-up asks before an account exists; the IP rate limit bounds enumeration.
    auth: 'publishable',
    handler: async ({ url }) => {
      const username = (url.searchParams.get('username') ?? '').trim().toLowerCase()
      if (!/^[a-z0-9._-]{3,24}$/.test(username)) return json({ available: false, valid: false })
      const taken = await usernameExists(username)
      return json({ available: !taken, valid: true })
    },
  },
]
