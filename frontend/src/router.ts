import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSessionStore } from './stores/session'
import { landingRoute } from './lib/landing'
import type { OrgRole } from './lib/types'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (login, sign-up, …). */
    public?: boolean
    /** Only for signed-out visitors; a signed-in user is sent to their landing page. */
    guestOnly?: boolean
    title?: string
    /** Lowest org role that may open the screen (PRODUCT.md capabilities). */
    minRole?: OrgRole
    /** Platform admins only (ADM-1/2). */
    platformAdmin?: boolean
    /** The page uses the wide container; the header and org tabs widen with it to stay aligned. */
    wide?: boolean
  }
}

// SCALE-1: every page is its own chunk; the player route alone pulls hls.js (vendor-video).
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'landing', component: () => import('./pages/LandingPage.vue') },
  {
    path: '/login',
    name: 'login',
    component: () => import('./pages/auth/LoginPage.vue'),
    meta: { public: true, guestOnly: true, title: 'Log in' },
  },
  {
    path: '/signup',
    name: 'signup',
    component: () => import('./pages/auth/SignupPage.vue'),
    meta: { public: true, guestOnly: true, title: 'Sign up' },
  },
  {
    path: '/forgot',
    name: 'forgot',
    component: () => import('./pages/auth/ForgotPasswordPage.vue'),
    meta: { public: true, guestOnly: true, title: 'Reset password' },
  },
  {
    // Public: the recovery link signs the user in on arrival, so it must not bounce to landing.
    path: '/reset',
    name: 'reset',
    component: () => import('./pages/auth/ResetPasswordPage.vue'),
    meta: { public: true, title: 'New password' },
  },
  {
    path: '/onboarding',
    name: 'onboarding',
    component: () => import('./pages/OnboardingPage.vue'),
    meta: { title: 'Get started' },
  },
  {
    path: '/home',
    name: 'home',
    component: () => import('./pages/HomePage.vue'),
    meta: { title: 'My rugby' },
  },
  {
    path: '/orgs/:orgId',
    component: () => import('./layouts/OrgLayout.vue'),
    children: [
      {
        path: '',
        name: 'org',
        component: () => import('./pages/org/OverviewPage.vue'),
        meta: { title: 'Overview' },
      },
      {
        path: 'library',
        name: 'library',
        component: () => import('./pages/org/LibraryPage.vue'),
        meta: { title: 'Library' },
      },
      {
        path: 'media/:assetId',
        name: 'player',
        component: () => import('./pages/org/PlayerPage.vue'),
        meta: { title: 'Review', wide: true },
      },
      {
        path: 'media/:assetId/overview',
        name: 'match-overview',
        component: () => import('./pages/org/MatchOverviewPage.vue'),
        meta: { title: 'Match overview' },
      },
      {
        path: 'search',
        name: 'search',
        component: () => import('./pages/org/SearchPage.vue'),
        meta: { title: 'Search' },
      },
      {
        path: 'feed',
        name: 'feed',
        component: () => import('./pages/org/FeedPage.vue'),
        meta: { title: 'Feed' },
      },
      {
        path: 'assignments',
        name: 'assignments',
        component: () => import('./pages/org/AssignmentsPage.vue'),
        meta: { title: 'Assignments', minRole: 'staff' },
      },
      {
        path: 'playlists',
        name: 'playlists',
        component: () => import('./pages/org/PlaylistsPage.vue'),
        meta: { title: 'Playlists' },
      },
      {
        path: 'groups',
        name: 'groups',
        component: () => import('./pages/org/GroupsPage.vue'),
        meta: { title: 'Groups', minRole: 'staff' },
      },
      {
        path: 'members',
        name: 'members',
        component: () => import('./pages/org/MembersPage.vue'),
        meta: { title: 'Members', minRole: 'staff' },
      },
      {
        path: 'usage',
        name: 'usage',
        component: () => import('./pages/org/UsagePage.vue'),
        meta: { title: 'Storage usage', minRole: 'staff' },
      },
    ],
  },
  {
    path: '/profile',
    name: 'profile',
    component: () => import('./pages/ProfilePage.vue'),
    meta: { title: 'Profile' },
  },
  {
    path: '/waitlist',
    name: 'waitlist',
    component: () => import('./pages/WaitlistPage.vue'),
    meta: { public: true, title: 'Waitlist' },
  },
  {
    path: '/admin',
    name: 'admin',
    component: () => import('./pages/admin/AdminPage.vue'),
    meta: { title: 'Admin console', platformAdmin: true },
  },
  {
    path: '/forbidden',
    name: 'forbidden',
    component: () => import('./pages/ForbiddenPage.vue'),
    meta: { title: 'Not allowed' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { public: true, title: 'Not found' },
  },
]

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes })

  router.beforeEach(async (to) => {
    const session = useSessionStore()
    await session.init()
    if (!to.meta.public && !session.signedIn) {
      return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
    }
    if (to.meta.guestOnly && session.signedIn) return { name: 'landing' }
    if (to.meta.platformAdmin && !session.isPlatformAdmin) {
      if (!session.me) await session.loadMe().catch(() => null)
      if (!session.isPlatformAdmin) return { name: 'forbidden', query: { from: to.fullPath } }
    }
    const orgId = to.params.orgId as string | undefined
    if (orgId && session.signedIn) {
      if (!session.me) await session.loadMe().catch(() => null)
      if (!session.isPlatformAdmin && !session.roleIn(orgId)) return { name: 'not-found' }
      if (to.meta.minRole && !session.can(orgId, to.meta.minRole)) {
        return { name: 'forbidden', query: { from: to.fullPath } }
      }
    }
    if (to.name === 'landing' && session.signedIn) {
      const me = session.me ?? (await session.loadMe().catch(() => null))
      if (me) return landingRoute(me, router.hasRoute('admin'))
    }
    return true
  })

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · RugbyCodex` : 'RugbyCodex'
  })

  return router
}
