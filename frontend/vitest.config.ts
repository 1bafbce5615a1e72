import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  test: { name: 'frontend', environment: 'happy-dom', include: ['src/**/*.test.ts'] },
})
