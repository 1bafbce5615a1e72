import { serve } from '../_shared/router.ts'
import { meRoutes } from './routes.ts'

serve('me', meRoutes)
