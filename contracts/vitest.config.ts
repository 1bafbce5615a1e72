import { defineConfig } from 'vitest/config'

// The contracts module's own tests (unit tier): pure builders and parsers, and the enum lists
// held to the database they mirror (the real migrations on PGlite).
export default defineConfig({
  test: {
    name: 'contracts',
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
