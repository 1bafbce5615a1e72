import { serve } from '../_shared/router.ts'
import { waitlistRoutes } from './routes.ts'

serve('waitlist', waitlistRoutes)
