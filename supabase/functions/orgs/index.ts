import { serve } from '../_shared/router.ts'
import { orgRoutes } from './routes.ts'

serve('orgs', orgRoutes)
