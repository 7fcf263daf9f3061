import { defineConfig } from 'vitest/config'

// Browser tests: real Chromium (Debian's /usr/bin/chromium) driven by playwright-core against a
// real server serving the built client. One file at a time: browsers are heavy on 2 cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
