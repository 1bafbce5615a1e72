import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Session } from '@supabase/supabase-js'
import { ApiError } from '../services/api'
import { meApi } from '../services/me'
import { supabase } from '../services/supabase'
import type { MeResponse, OrgRole } from '../lib/types'
import { hasRole } from '../lib/roles'
import { appUrl } from '../lib/dom'

const ME_KEY = 'rc-me'

function rememberMe(value: MeResponse) {
  try {
    localStorage.setItem(ME_KEY, JSON.stringify(value))
  } catch {
    // Private mode or a full quota: offline start-up simply is not available then.
  }
}
function recalledMe(): MeResponse | null {
  try {
    const text = localStorage.getItem(ME_KEY)
    return text ? (JSON.parse(text) as MeResponse) : null
  } catch {
    return null
  }
}
function forgetMe() {
  try {
    localStorage.removeItem(ME_KEY)
  } catch {
    // Nothing stored.
  }
}

/** AUTH-2/3: the signed-in session and the user context from `GET me`. */
export const useSessionStore = defineStore('session', () => {
  const session = ref<Session | null>(null)
  const me = ref<MeResponse | null>(null)
  const ready = ref(false)
  let initPromise: Promise<void> | null = null

  const signedIn = computed(() => session.value !== null)
  const isPlatformAdmin = computed(() => me.value?.profile?.platformRole === 'admin')
  const memberships = computed(() => me.value?.memberships ?? [])

  function init(): Promise<void> {
    initPromise ??= (async () => {
      const client = supabase()
      const { data } = await client.auth.getSession()
      session.value = data.session
      client.auth.onAuthStateChange((event, next) => {
        session.value = next
        if (event === 'SIGNED_OUT') {
          me.value = null
          forgetMe()
        }
      })
      if (session.value) await loadMe().catch(() => undefined)
      ready.value = true
    })()
    return initPromise
  }

  async function loadMe(): Promise<MeResponse> {
    try {
      me.value = await meApi.get()
      rememberMe(me.value)
      return me.value
    } catch (error) {
      // B-6: offline, the last known context keeps saved clips reachable (the server still
      // decides every request once the network is back).
      const cached = error instanceof ApiError && error.status === 0 ? recalledMe() : null
      if (cached && cached.user.id === session.value?.user.id) {
        me.value = cached
        return cached
      }
      throw error
    }
  }

  async function signIn(email: string, password: string): Promise<void> {
    const { data, error } = await supabase().auth.signInWithPassword({ email, password })
    if (error) throw error
    session.value = data.session
    await loadMe()
  }

  /** Returns true when a session started right away, false when the email must be confirmed. */
  async function signUp(input: {
    email: string
    password: string
    username: string
    name: string
  }): Promise<boolean> {
    const { data, error } = await supabase().auth.signUp({
      email: input.email,
      password: input.password,
      options: {
        data: { username: input.username, name: input.name },
        emailRedirectTo: appUrl('/login'),
      },
    })
    if (error) throw error
    session.value = data.session
    if (data.session) await loadMe()
    return data.session !== null
  }

  async function signOut(): Promise<void> {
    forgetMe()
    await supabase().auth.signOut()
    session.value = null
    me.value = null
  }

  function roleIn(orgId: string): OrgRole | null {
    return memberships.value.find((m) => m.org.id === orgId)?.role ?? null
  }

  function can(orgId: string, atLeast: OrgRole): boolean {
    return isPlatformAdmin.value || hasRole(roleIn(orgId), atLeast)
  }

  return {
    session,
    me,
    ready,
    signedIn,
    isPlatformAdmin,
    memberships,
    init,
    loadMe,
    signIn,
    signUp,
    signOut,
    roleIn,
    can,
  }
})
