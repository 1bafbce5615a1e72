import { serve } from '../_shared/router.ts'
import { healthRoutes } from './routes.ts'

serve('health', healthRoutes)
