import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';

const root = path.resolve(import.meta.dirname, '../..');

/** The one JSON line `quarry cluster up --json` prints once healthy (the contract's shape). */
export const ClusterSummary = z.object({
  api: z.string().url(),
  ui: z.string().url(),
  database: z.string(),
  temporal: z.array(z.object({ address: z.string(), pid: z.number().int() })),
  workers: z.array(z.object({ pid: z.number().int() })),
});
export type ClusterSummary = z.infer<typeof ClusterSummary>;

export interface ClusterProcess {
  summary: ClusterSummary;
  child: ChildProcess;
  /** Every line it printed on stderr so far, with the time it arrived. */
  lines: Array<{ at: number; text: string }>;
  /** Resolves with the time of the first stderr line matching `pattern` from `since` on. */
  waitForLine(pattern: RegExp, since: number, timeoutMs: number): Promise<{ at: number; text: string }>;
  /** Every pid the cluster's processes had: the first ones and those of restarts. */
  allPids(): number[];
  /** SIGTERM, and the exit code and signal once it has exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `quarry cluster up --json` with `args` and `env`, and waits for its summary line. */
export async function startClusterProcess(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ClusterProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin/quarry.js'), 'cluster', 'up', '--json', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<{ at: number; text: string }> = [];
  let pending = '';
  const waiters: Array<() => void> = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const text of complete) lines.push({ at: Date.now(), text });
    for (const waiter of waiters.splice(0)) waiter();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const summary = await new Promise<ClusterSummary>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`quarry cluster up was not healthy within ${timeoutMs / 1000} s:\n${tail(lines)}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) {
        clearTimeout(timer);
        try {
          resolve(ClusterSummary.parse(JSON.parse(line)));
        } catch (error) {
          reject(error);
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`quarry cluster up exited (code ${code}, signal ${signal}) before it was healthy:\n${tail(lines)}`));
    });
  });

  const waitForLine = (pattern: RegExp, since: number, timeout: number) =>
    new Promise<{ at: number; text: string }>((resolve, reject) => {
      const deadline = Date.now() + timeout;
      const check = () => {
        const found = lines.find((line) => line.at >= since && pattern.test(line.text));
        if (found) return resolve(found);
        if (Date.now() > deadline) return reject(new Error(`no line matching ${pattern} within ${timeout / 1000} s:\n${tail(lines)}`));
        waiters.push(check);
        setTimeout(check, 1000);
      };
      check();
    });

  return {
    summary,
    child,
    lines,
    waitForLine,
    allPids: () => [
      ...summary.temporal.map((node) => node.pid),
      ...summary.workers.map((worker) => worker.pid),
      ...lines.flatMap((line) => [...line.text.matchAll(/is back \(pid (\d+)\)/g)].map((match) => Number(match[1]))),
    ],
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

const tail = (lines: Array<{ text: string }>) => lines.slice(-30).map((line) => line.text).join('\n');

/** True while a process with this pid exists (signal 0 only checks). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
