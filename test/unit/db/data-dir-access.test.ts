import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/config/environment.ts';
import { requirePostgresAccess, unreachableAncestor } from '../../../src/db/data-dir-access.ts';

/**
 * As root, PostgreSQL runs as the `postgres` user: a data directory under a private parent must be
 * refused with that parent named and the fix spelled out, before anything is started. Only root can
 * be in that situation (and only root can make the directories for it), so the test needs root, as
 * the CI does.
 */
describe.runIf(userInfo().uid === 0)('a data directory the postgres user cannot reach', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'quarry-data-dir-'));
  });
  afterAll(async () => rm(scratch, { recursive: true, force: true }));

  it('is refused, naming the private directory and both ways out', async () => {
    await chmod(scratch, 0o700);
    const dataDir = path.join(scratch, 'quarry', 'postgres');
    expect(unreachableAncestor(dataDir)).toEqual({ dir: scratch, mode: '700', owner: 0 });
    expect(() => requirePostgresAccess(dataDir)).toThrow(ConfigurationError);
    expect(() => requirePostgresAccess(dataDir)).toThrow(
      new RegExp(`postgres cannot enter ${scratch} \\(mode 700.*QUARRY_DATA_DIR=/var/lib/quarry.*chmod o\\+x ${scratch}`),
    );
  });

  it('is accepted once postgres may pass through', async () => {
    await chmod(scratch, 0o711);
    expect(unreachableAncestor(path.join(scratch, 'quarry', 'postgres'))).toBeUndefined();
    expect(() => requirePostgresAccess(path.join(scratch, 'quarry', 'postgres'))).not.toThrow();
  });
});
