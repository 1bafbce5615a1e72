import { serve } from '../_shared/router.ts'
import { tagRoutes } from './routes.ts'

serve('tags', tagRoutes)
