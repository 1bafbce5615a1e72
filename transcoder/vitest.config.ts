import { defineConfig } from 'vitest/config'

// Fast unit tests: pure decisions, argument builders and the SQS adapter against its double.
export default defineConfig({
  test: { name: 'transcoder', include: ['src/**/*.test.ts'] },
})
