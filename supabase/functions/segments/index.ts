import { serve } from '../_shared/router.ts'
import { segmentRoutes } from './routes.ts'

serve('segments', segmentRoutes)
