import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Supervised, type ProcessSpec } from '../../../src/cli/cluster-supervisor.ts';

// The restart policy of `quarry cluster up`, on plain Node processes: a process killed from outside
// comes back, one that is stopped does not, and a process that dies before it is ready is an error.

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'quarry-supervisor-'));
});
afterAll(async () => rm(scratch, { recursive: true, force: true }));

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function spec(name: string, script: string): ProcessSpec {
  return {
    name,
    command: process.execPath,
    args: ['-e', script],
    env: { PATH: process.env.PATH },
    logFile: path.join(scratch, `${name}.log`),
    ready: (_child, output) => new Promise<void>((resolve) => output((text) => text.includes('ready') && resolve())),
    stopGraceMs: 2000,
  };
}

const server = "console.log('ready'); setInterval(() => {}, 1000);";

describe('a supervised process', () => {
  it('is started again after it is killed, and not after it is stopped', async () => {
    const lines: string[] = [];
    const supervised = new Supervised(spec('server', server), 100, { say: (line) => lines.push(line) });
    await supervised.start();
    const first = supervised.pid;
    expect(alive(first)).toBe(true);

    process.kill(first!, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    while (!lines.some((line) => line.startsWith('server is back'))) {
      if (Date.now() > deadline) throw new Error(`not restarted: ${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const second = supervised.pid;
    expect(second).not.toBe(first);
    expect(alive(second)).toBe(true);
    expect(lines[0]).toMatch(new RegExp(`^server \\(pid ${first}\\) exited \\(SIGKILL\\); restarting in 0 s$`));
    expect(supervised.restarts).toBe(1);

    await supervised.stop();
    expect(alive(second)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lines.filter((line) => line.includes('exited'))).toHaveLength(1);
    await expect(supervised.start()).rejects.toThrow(/server is stopped/);
    // Both lives wrote to the same log.
    expect((await readFile(path.join(scratch, 'server.log'), 'utf8')).match(/ready/g)).toHaveLength(2);
  });

  it('fails to start when the process dies before it is ready', async () => {
    const crashing = new Supervised(spec('crashing', "console.error('no config'); process.exit(3);"), 60_000, { say: () => undefined });
    await expect(crashing.start()).rejects.toThrow(/crashing exited before it was ready \(code 3, signal null\):\nno config/);
    await crashing.stop();
  });
});
