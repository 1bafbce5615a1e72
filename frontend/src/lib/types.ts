// The API's shapes as the SPA uses them: re-exported from contracts/ (what the edge functions
// send), loosened only where the SPA also builds a value itself (a remembered session, a test).
import {
  ORG_TYPES as ORG_TYPE_VALUES,
  ORG_VISIBILITIES as ORG_VISIBILITY_VALUES,
  type OrgType,
  type OrgVisibility,
} from '../../../contracts/enums.ts'
import type * as api from '../../../contracts/responses.ts'

// The enum types (MediaKind, OrgRole, …); their value lists stay in contracts/enums.ts.
export type * from '../../../contracts/enums.ts'
export type {
  ChangeCursor,
  ChangesPage,
  Page,
  PlaybackResponse,
  Rendition,
} from '../../../contracts/responses.ts'
export type { UploadPartUrl as UploadPart } from '../../../contracts/responses.ts'

/** `T` with the keys `K` optional. */
type Loose<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>

const ORG_TYPE_LABELS: Record<OrgType, string> = {
  team: 'Team',
  academy: 'Academy',
  personal: 'Personal',
}
const ORG_VISIBILITY_LABELS: Record<OrgVisibility, string> = {
  private: 'Private',
  public: 'Public',
}

/** The choices every org form offers, in the order they are offered (the database's). */
export const ORG_TYPES: ReadonlyArray<{ value: OrgType; label: string }> = ORG_TYPE_VALUES.map(
  (value) => ({ value, label: ORG_TYPE_LABELS[value] }),
)
export const ORG_VISIBILITIES: ReadonlyArray<{ value: OrgVisibility; label: string }> =
  ORG_VISIBILITY_VALUES.map((value) => ({ value, label: ORG_VISIBILITY_LABELS[value] }))

export type Profile = Loose<api.Profile, 'avatarUrl' | 'createdAt'>
export type OrgSummary = Loose<api.OrgSummary, 'memberCount'>

export interface Membership {
  role: api.Membership['role']
  org: OrgSummary
}

export interface MeResponse extends Omit<api.MeResponse, 'profile' | 'memberships'> {
  profile: Profile | null
  memberships: Membership[]
}

export type Organization = Loose<
  api.Organization,
  | 'visibility'
  | 'bio'
  | 'storageLimitBytes'
  | 'createdBy'
  | 'createdAt'
  | 'updatedAt'
  | 'memberCount'
>

export type MediaAsset = Loose<api.MediaAsset, 'uploadedBy' | 'stage' | 'contentType' | 'hasPoster'>

/** `parts` holds URLs for the first batch only; `POST media/uploads/:id/parts` gives the rest. */
export interface CreateUploadResponse extends Omit<api.CreateUploadResponse, 'asset'> {
  asset: MediaAsset
}

export interface UploadStateResponse extends Omit<api.UploadStateResponse, 'asset'> {
  asset: MediaAsset
}
