import { serve } from '../_shared/router.ts'
import { narrationRoutes } from './routes.ts'

serve('narrations', narrationRoutes)
