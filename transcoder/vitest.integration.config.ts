import { defineConfig } from 'vitest/config'

// Real ffmpeg on generated inputs, an in-memory database and s3rver. One file at a time: each
// encodes video on the machine's two cores.
export default defineConfig({
  test: {
    name: 'worker',
    include: ['test/**/*.test.ts'],
    testTimeout: 180000,
    hookTimeout: 180000,
    fileParallelism: false,
  },
})
