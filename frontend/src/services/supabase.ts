import { createClient, type SupabaseClient } from '@supabase/supabase-js'

// Local defaults match docs/contracts.md so `npm run dev` works without an .env file.
export const supabaseUrl = import.meta.env.VITE_SUPABASE_URL || 'http://127.0.0.1:54321'
export const anonKey = import.meta.env.VITE_SUPABASE_ANON_KEY || 'sb_publishable_rugbycodex_local'

let client: SupabaseClient | undefined

export function supabase(): SupabaseClient {
  client ??= createClient(supabaseUrl, anonKey, {
    auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: true },
  })
  return client
}
