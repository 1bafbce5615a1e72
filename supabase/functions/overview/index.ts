import { serve } from '../_shared/router.ts'
import { overviewRoutes } from './routes.ts'

serve('overview', overviewRoutes)
