// Liveness for load balancers and the local platform; `?deep=1` also checks the database.
import { json } from '../_shared/http.ts'
import type { Route } from '../_shared/router.ts'
import { databaseUp } from './store.ts'

export const healthRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/',
    auth: 'none',
    handler: async ({ url }) => {
      if (url.searchParams.get('deep') !== '1') return json({ ok: true })
      if (!(await databaseUp())) return json({ ok: false, database: 'down' }, 503)
      return json({ ok: true, database: 'up' })
    },
  },
]
