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
    // Polls wait on what the page shows. Vitest's default gives up after 1 s, which a seek or a
    // list refresh can outlast on a loaded 2-core machine; a wait on state may take as long as it
    // needs, and the test still fails if the state never comes.
    expect: { poll: { timeout: 60_000, interval: 100 } },
  },
})
