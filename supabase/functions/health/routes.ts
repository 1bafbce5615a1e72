// Liveness for load balancers and the local platform; `?deep=1` also checks the database.
import { json } from '../_shared/http.ts'
import { primary } from '../_shared/db.ts'
import type { Route } from '../_shared/router.ts'

export const healthRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/',
    auth: 'none',
    handler: async ({ url }) => {
      if (url.searchParams.get('deep') === '1') {
        try {
          await primary()`select 1`
        } catch {
          return json({ ok: false, database: 'down' }, 503)
        }
        return json({ ok: true, database: 'up' })
      }
      return json({ ok: true })
    },
  },
]
