import { randomBytes } from 'node:crypto'
import { defineConfig } from 'vitest/config'

// One id per run names its PostgreSQL schemas and Redis prefixes (parallel runs never collide);
// the global teardown drops this run's schemas.
process.env.LOUPE_TEST_RUN ??= randomBytes(4).toString('hex')

/**
 * `npm run test:cluster`: cluster mode on the local PostgreSQL and Redis (LOUPE_TEST_DATABASE_URL,
 * LOUPE_TEST_REDIS_URL). The cluster tests themselves, plus the sync, auth and flows suites with every
 * test server replaced by two instances behind a TCP balancer (test/cluster/suites.setup.ts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['sync-server/test/cluster/**/*.cluster.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'suites-on-cluster',
          include: [
            'sync-server/test/sync/relay-*.test.ts',
            'sync-server/test/sync/pending.test.ts',
            'sync-server/test/api/auth-matrix.test.ts',
            'sync-server/test/flows-api/*.test.ts',
          ],
          // relay-crash kills a SQLite server; the cluster kill test covers that case here.
          exclude: ['sync-server/test/sync/relay-crash.test.ts'],
          setupFiles: ['sync-server/test/cluster/suites.setup.ts'],
          // The flows-api kill test restarts a SQLite server process of its own; the cluster flow
          // tests kill instances on PostgreSQL instead.
          testNamePattern: /^(?!.*killed with -9 is Crashed at restart)/,
        },
      },
    ],
    globalSetup: ['sync-server/test/cluster/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
