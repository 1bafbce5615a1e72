// `waitlist` (WL-1): the public form. Anonymous, rate limited per IP, honeypot, duplicate-email
// message, confirmation mail through the mail provider.
import { z } from 'zod'
import { HttpError, json, parseBody } from '../_shared/http.ts'
import { mail } from '../_shared/providers/index.ts'
import type { Route } from '../_shared/router.ts'
import { joinWaitlist } from './store.ts'

const Join = z
  .object({
    email: z.email({ message: 'must be an email address' }).max(254).trim().toLowerCase(),
    name: z.string().trim().max(120).optional(),
    organization: z.string().trim().max(120).optional(),
    role: z.string().trim().max(60).optional(),
    message: z.string().trim().max(2000).optional(),
    // Honeypot: invisible to people, filled by bots.
    website: z.string().max(500).optional(),
  })
  .strict()

export const waitlistRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/',
    auth: 'publishable',
    handler: async ({ req }) => {
      const input = await parseBody(req, Join)
      // A bot gets the same answer as a person, so it learns nothing; nothing is stored or sent.
      if (input.website) return json({ ok: true }, 201)
      try {
        await joinWaitlist(input)
      } catch (err) {
        if ((err as { code?: string }).code === '23505') {
          throw new HttpError(
            409,
            'ALREADY_ON_WAITLIST',
            "You're already on the waitlist — we'll be in touch.",
          )
        }
        throw err
      }
      let mailed = true
      try {
        await mail().send({
          to: input.email,
          subject: "You're on the RugbyCodex waitlist",
          text: `Hi${input.name ? ` ${input.name}` : ''},\n\nThanks for your interest in RugbyCodex. We'll email you when your spot opens.\n\n— The RugbyCodex team`,
        })
      } catch {
        // The signup is stored; a mail outage must not turn it into an error for the visitor.
        mailed = false
      }
      return json({ ok: true, mailed }, 201)
    },
  },
]
