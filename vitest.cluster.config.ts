import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the production topology (`quarry cluster up`) under faults. Kept out of
// `npm test` because it builds and runs real Temporal server nodes; it starts everything it needs.
export default defineConfig({
  test: {
    name: 'cluster',
    include: ['test/cluster/**/*.test.ts'],
    pool: 'forks',
    env: { QUARRY_LOG_LEVEL: 'warn' },
    testTimeout: 900_000,
    hookTimeout: 960_000,
  },
});
