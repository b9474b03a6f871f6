import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded-postgres.ts';

const POLL_MS = 1000;

/** The postmaster's pid from its lock file, if it is running. */
async function runningPostmaster(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * The embedded PostgreSQL, kept running like the cluster's other processes: when its postmaster is
 * gone without `stop` (killed, or stopped by hand), it starts again on the same data directory and
 * port after `restartDelayMs`. Everything that talks to it reconnects on its own.
 */
export async function startSupervisedPostgres(
  options: { dataDir: string; port: number; restartDelayMs: number },
  say: (line: string) => void,
): Promise<{ url: string; stop(): Promise<void> }> {
  let current: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.port });
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  const restart = async () => {
    say(`PostgreSQL exited; restarting in ${Math.round(options.restartDelayMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, options.restartDelayMs));
    // After a SIGKILL the old server's backends hold its shared memory for a moment: try again.
    while (!stopping) {
      try {
        current = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.port });
        say(`PostgreSQL is back (pid ${await runningPostmaster(options.dataDir)})`);
        return;
      } catch (error) {
        say(`PostgreSQL did not start yet: ${(error as Error).message.split('\n')[0]}`);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  };
  const watch = async () => {
    if (!stopping && (await runningPostmaster(options.dataDir)) === undefined) {
      restarting = restart();
      await restarting;
      restarting = undefined;
    }
    if (!stopping) timer = setTimeout(() => void watch(), POLL_MS);
  };
  timer = setTimeout(() => void watch(), POLL_MS);

  return {
    url: current.url,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await restarting;
      if ((await runningPostmaster(options.dataDir)) !== undefined) await current.stop();
    },
  };
}
