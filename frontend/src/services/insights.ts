import { api } from './api'
import { createInsightsClient } from '../lib/insights'

/** AI-1 / AI-3 calls as the signed-in user. */
export const insightsApi = createInsightsClient(api)
