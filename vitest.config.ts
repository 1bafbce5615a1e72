import { defineConfig } from 'vitest/config'

// Each workspace owns a vitest config with a `test.name`; `scripts/test.mjs` picks tiers by name:
// unit = contracts + frontend + local + transcoder, then worker, ops and e2e.
export default defineConfig({
  test: {
    projects: [
      '{contracts,frontend,local,e2e,deploy}/vitest.config.ts',
      'transcoder/vitest{,.integration}.config.ts',
    ],
  },
})
