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
    // expect.poll re-reads the page until it shows what is expected; its deadline only decides
    // when to give up. Vitest's 1 s default would make a test fail on a loaded machine whose API
    // or player merely answered late, so every poll gets a minute unless it says otherwise.
    expect: { poll: { timeout: 60_000, interval: 100 } },
  },
})
