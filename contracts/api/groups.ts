// Response and request shapes of the `groups` edge function, as the SPA reads them. One definition:
// the SPA's services re-export these.

export interface Group {
  id: string
  name: string
  description: string | null
  member_count: number
}

export interface GroupMember {
  user_id: string
  username: string | null
  name: string | null
}
