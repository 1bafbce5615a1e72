import { serve } from '../_shared/router.ts'
import { adminRoutes } from './routes.ts'

serve('admin', adminRoutes)
