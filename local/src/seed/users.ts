export const DEMO_PASSWORD = 'rugbycodex-demo'
export const DEMO_ORG_NAME = 'Demo Rugby Club'
export const DEMO_VIDEO_NAME = 'Demo match'
/**
 * The logins `npm start` prints. supabase/seed.sql finds these users by email and gives them their
 * roles, so they must exist (with a password the emulator can check) before it runs.
 */
export const demoUsers = [
  { role: 'admin', email: 'admin@rugbycodex.local', username: 'admin', name: 'Alex Admin' },
  { role: 'coach', email: 'coach@rugbycodex.local', username: 'coach', name: 'Casey Coach' },
  { role: 'player', email: 'player@rugbycodex.local', username: 'player', name: 'Pat Player' },
] as const
/** Further users supabase/seed.sql places in the demo org (owner, manager, a second player). */
export const extraDemoUsers = [
  { role: 'owner', email: 'owner@rugbycodex.local', username: 'owner', name: 'Olivia Owner' },
  { role: 'manager', email: 'manager@rugbycodex.local', username: 'manager', name: 'Max Manager' },
  { role: 'player2', email: 'player2@rugbycodex.local', username: 'player2', name: 'Sam Second' },
] as const
export type DemoUser = (typeof demoUsers)[number] | (typeof extraDemoUsers)[number]
