import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'local',
    include: ['src/**/*.test.ts'],
    // Each suite boots real servers (PGlite, s3rver); the first PGlite initdb alone takes seconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
