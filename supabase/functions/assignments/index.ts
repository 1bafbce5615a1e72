import { serve } from '../_shared/router.ts'
import { assignmentRoutes } from './routes.ts'

serve('assignments', assignmentRoutes)
