import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'

// SCALE-1: named vendor chunks so a deploy that only touches app code keeps vendor caches warm,
// and hls.js stays out of the initial load (only the player routes import it).
const vendorGroups = [
  { name: 'vendor-vue', test: /[\\/]node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/ },
  { name: 'vendor-supabase', test: /[\\/]node_modules[\\/]@supabase[\\/]/ },
  { name: 'vendor-video', test: /[\\/]node_modules[\\/]hls\.js[\\/]/ },
]

export default defineConfig(({ mode }) => ({
  plugins: [
    vue(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      manifest: {
        name: 'RugbyCodex',
        short_name: 'RugbyCodex',
        description: 'Rugby video for coaches and players',
        theme_color: '#0f3d2e',
        background_color: '#f6f7f5',
        display: 'standalone',
        start_url: '/',
        icons: [{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        // index.html is deliberately not precached: a precached shell would be served stale after
        // a deploy. Navigations go network-first and only fall back to the cache when offline.
        globPatterns: ['**/*.{js,css,svg,png,webmanifest}'],
        navigateFallback: null,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            urlPattern: ({ request }) => request.mode === 'navigate',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'rc-pages',
              networkTimeoutSeconds: 4,
              plugins: [
                {
                  // B-6: offline, any route gets the last shell this device loaded (every route
                  // serves the same index.html), so saved clips open without a network.
                  handlerDidError: async () => {
                    const cache = await caches.open('rc-pages')
                    const keys = await cache.keys()
                    const last = keys[keys.length - 1]
                    return last ? await cache.match(last) : undefined
                  },
                },
              ],
            },
          },
          {
            // Hashed file names never change content, so a cached copy is always right.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/'),
            handler: 'CacheFirst',
            options: {
              cacheName: 'rc-assets',
              expiration: { maxEntries: 200, maxAgeSeconds: 365 * 24 * 3600 },
            },
          },
          {
            // B-6: clips a player opened from an assignment are kept for offline viewing. Signed
            // URLs change their query on every fetch, so the cache key drops the query string.
            urlPattern: ({ url }) =>
              (/\/hls\/.+\.(m3u8|ts|m4s)$/.test(url.pathname) &&
                url.searchParams.has('X-Amz-Signature') === true) ||
              /\/functions\/v1\/media\/[^/]+\/hls\//.test(url.pathname),
            handler: 'NetworkFirst',
            method: 'GET',
            options: {
              cacheName: 'rc-clips',
              networkTimeoutSeconds: 6,
              expiration: { maxEntries: 600, maxAgeSeconds: 14 * 24 * 3600 },
              cacheableResponse: { statuses: [200] },
              plugins: [
                {
                  cacheKeyWillBeUsed: async ({ request }) => {
                    const key = new URL(request.url)
                    key.search = ''
                    return key.href
                  },
                },
              ],
            },
          },
        ],
      },
    }),
  ],
  server: { host: '127.0.0.1', port: Number(process.env.SPA_PORT ?? 5173), strictPort: true },
  preview: { host: '127.0.0.1', port: Number(process.env.SPA_PORT ?? 5173) },
  build: {
    target: 'es2022',
    manifest: true,
    // Production ships no source maps: they would be public next to the bundle.
    sourcemap: mode !== 'production',
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
        minify: mode === 'production' ? { compress: { dropConsole: true } } : undefined,
      },
    },
  },
}))
