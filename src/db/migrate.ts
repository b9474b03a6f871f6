import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { projectRoot } from '../temporal/cli-binary.ts';

export const migrationsDir = path.join(projectRoot, 'migrations');

/**
 * Applies `migrations/` to the database. node-pg-migrate holds an advisory lock while it runs and
 * records each applied file in `pgmigrations`, so concurrent starts are safe and a second run is a
 * no-op. Returns the names of the migrations it applied.
 */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => undefined): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    // Wait for a concurrent migrator instead of failing: several workers may start together.
    advisoryLockMode: 'wait',
    log,
  });
  return applied.map((migration) => migration.name);
}
