import { defineConfig } from 'vitest/config'

// Browser end-to-end tests: one platform for the whole run (booted in global setup), files in series
// because they share it and the machine has two cores.
export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname,
    include: ['**/*.e2e.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
})
