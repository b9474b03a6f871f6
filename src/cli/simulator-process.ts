import { spawn } from 'node:child_process';
import path from 'node:path';
import { stopChild } from '../temporal/dev-server.ts';
import { projectRoot } from '../temporal/cli-binary.ts';
import { freePort } from '../net/free-port.ts';

export interface SimulatorProcess {
  /** e.g. `http://127.0.0.1:41234`. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `quarry sim` as a process of its own, as a provider is: the bench measures the worker's CPU apart
 * from the simulator's. `env` adds the simulator's settings (latency, faults, rate limits).
 */
export async function startSimulatorProcess(env: Record<string, string>): Promise<SimulatorProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'quarry.js'), 'sim', '--port', String(port)], {
    env: { ...process.env, QUARRY_LOG_LEVEL: 'warn', QUARRY_SIM_FAULTS: '', ...env },
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      const found = /Provider simulator on (\S+)/.exec(output)?.[1];
      if (found) resolve(found);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`quarry sim exited (code ${code}) before it served:\n${output}`)));
    child.once('error', reject);
  });
  child.stdout.resume();
  child.stderr.resume();
  return { url, pid: child.pid!, stop: () => stopChild(child) };
}
