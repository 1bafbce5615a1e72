import { serve } from '../_shared/router.ts'
import { groupRoutes } from './routes.ts'

serve('groups', groupRoutes)
