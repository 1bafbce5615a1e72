import { api, withQuery } from './api'
import { getItems } from './request'
import type { MatchCoverage, OrgDashboard, MatchOverview } from '../../../contracts/api/overview.ts'

export type * from '../../../contracts/api/overview.ts'

// OV-1 / OV-2: the `overview` function.

export const overviewApi = {
  dashboard: (orgId: string) =>
    api<OrgDashboard>('GET', withQuery('overview/dashboard', { orgId })),
  coverage: (orgId: string) => getItems<MatchCoverage>('overview/coverage', { orgId }),
  match: (assetId: string, previous: number) =>
    api<MatchOverview>('GET', withQuery(`overview/match/${assetId}`, { previous })),
}
