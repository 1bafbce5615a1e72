import { serve } from '../_shared/router.ts'
import { mediaRoutes } from './routes.ts'

serve('media', mediaRoutes)
