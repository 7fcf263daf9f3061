import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'sync-server/src/**/*.test.ts',
      'sync-server/test/**/*.test.ts',
      'client/src/**/*.test.ts',
      'worker/src/**/*.test.ts',
      'scripts/**/*.test.ts',
      'cli/src/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'e2e/**', '**/*.cluster.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
