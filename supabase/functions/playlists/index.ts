import { serve } from '../_shared/router.ts'
import { playlistRoutes } from './routes.ts'

serve('playlists', playlistRoutes)
