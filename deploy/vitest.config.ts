import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The ops tier: real nginx, the release script against local "servers", db push against the
// embedded database, and CDK synth assertions. Rooted here so `**/*.test.ts` stays inside deploy/
// when the config is run directly from the repository root.
export default defineConfig({
  test: {
    name: 'ops',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**'],
    testTimeout: 120000,
    hookTimeout: 180000,
  },
})
