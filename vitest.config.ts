import { defineConfig } from 'vitest/config';

// Two projects: unit tests need nothing running; integration and browser tests share one Temporal
// dev server and one PostgreSQL, started once by the global setup for the whole run.
export default defineConfig({
  test: {
    pool: 'forks',
    env: { QUARRY_LOG_LEVEL: 'warn' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          pool: 'forks',
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
