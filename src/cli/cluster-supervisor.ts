import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ProcessSpec {
  /** `temporal-1`, `worker-2`, `api`, `ui`: in log lines and log file names. */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the process's stdout and stderr go. */
  logFile: string;
  /** Resolves once the process serves; `output` gives each chunk it prints, as it comes. */
  ready(child: ChildProcess, output: (listener: (text: string) => void) => void): Promise<void>;
  /** How long SIGTERM may take before SIGKILL (a worker finishes its activities meanwhile). */
  stopGraceMs?: number;
}

export interface SupervisorEvents {
  /** A line for the operator: exits, restarts. */
  say(line: string): void;
}

const READY_TIMEOUT_MS = 180_000;
/** A process that ran this long before dying restarts after the base delay again. */
const STABLE_AFTER_MS = 60_000;

/**
 * One child process kept running the way compose's `restart: unless-stopped` or a Kubernetes pod
 * keeps a container: when it dies without being asked to (a crash, a SIGKILL), it is started again
 * after `restartDelayMs`, doubling while it keeps dying young, up to a minute.
 */
export class Supervised {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private stopping = false;
  private consecutiveQuickExits = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  restarts = 0;

  constructor(
    readonly spec: ProcessSpec,
    private readonly restartDelayMs: number,
    private readonly events: SupervisorEvents,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until it serves; a process that dies first is an error. */
  async start(): Promise<void> {
    if (this.stopping) throw new Error(`${this.spec.name} is stopped`);
    this.log ??= createWriteStream(this.spec.logFile, { flags: 'a' });
    const child = spawn(this.spec.command, this.spec.args, {
      env: this.spec.env,
      cwd: this.spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches `quarry cluster up` alone, which then
      // stops the parts in order instead of all of them dying at once.
      detached: true,
    });
    this.child = child;
    const startedAt = Date.now();
    const listeners: Array<(text: string) => void> = [];
    const forward = (chunk: Buffer) => {
      this.log?.write(chunk);
      const text = chunk.toString('utf8');
      for (const listener of listeners) listener(text);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);

    let recent = '';
    listeners.push((text) => (recent = (recent + text).slice(-2000)));
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => reject(new Error(`${this.spec.name} exited before it was ready (code ${code}, signal ${signal}):\n${recent}`)));
      child.once('error', reject);
    });
    exited.catch(() => undefined);

    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      const quick = Date.now() - startedAt < STABLE_AFTER_MS;
      this.consecutiveQuickExits = quick ? this.consecutiveQuickExits + 1 : 0;
      const delay = Math.min(60_000, this.restartDelayMs * 2 ** Math.max(0, this.consecutiveQuickExits - 1));
      this.events.say(`${this.spec.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delay / 1000)} s`);
      this.restartTimer = setTimeout(() => void this.restart(), delay);
    });

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.spec.name} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${recent}`)), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.spec.ready(child, (listener) => listeners.push(listener)), exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.start();
      this.restarts += 1;
      this.events.say(`${this.spec.name} is back (pid ${this.pid})`);
    } catch (error) {
      // The exit handler of the failed attempt has already scheduled the next one.
      this.events.say(`${this.spec.name} did not come back: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; no restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.spec.stopGraceMs ?? 20_000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }
}
