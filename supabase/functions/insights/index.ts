import { serve } from '../_shared/router.ts'
import { insightRoutes } from './routes.ts'

serve('insights', insightRoutes)
