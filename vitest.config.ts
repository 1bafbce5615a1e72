import { defineConfig } from 'vitest/config'

// Each workspace owns a vitest config with a `test.name`; `scripts/test.mjs` picks tiers by name:
// unit = frontend, local, transcoder; worker; ops; e2e.
export default defineConfig({
  test: {
    projects: ['frontend/vitest.config.ts', 'local/vitest.config.ts', 'transcoder/vitest*.config.ts', 'deploy/vitest.config.ts', 'e2e/vitest.config.ts'],
  },
})
