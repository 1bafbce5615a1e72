import { serve } from '../_shared/router.ts'
import { feedRoutes } from './routes.ts'

serve('feed', feedRoutes)
