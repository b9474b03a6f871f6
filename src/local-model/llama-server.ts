import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { freePort } from '../net/free-port.ts';
import type { LocalModelFiles } from './install-local-model.ts';
import { LOCAL_MODEL } from './pinned-artifacts.ts';

export interface LlamaServerOptions {
  files: LocalModelFiles;
  /** A loopback port; a free one when omitted. */
  port?: number | undefined;
  /** CPU threads for generation and prompt processing. */
  threads: number;
  /** Tokens of context (prompt and answer together) of the one slot. */
  contextSize: number;
  /** Required as `Authorization: Bearer` on every route but /health and /v1/models. */
  apiKey?: string | undefined;
  /** The server's own log (it writes a lot), kept out of the caller's output. */
  logFile: string;
  /** How long loading may take before the start counts as failed. */
  readyTimeoutMs?: number;
}

export interface LlamaServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The OpenAI-compatible base URL, `<url>/v1`, as `OPENAI_BASE_URL` and the SDKs take it. */
  baseUrl: string;
  /** The model name the server answers to and lists in `/v1/models`. */
  model: string;
  logFile: string;
  pid: number;
  /** The server's own token counters since it started (its Prometheus `/metrics`). */
  tokenCounters(): Promise<LlamaTokenCounters>;
  /** Stops the server and everything it started, waiting until it has exited. */
  stop(): Promise<void>;
}

export interface LlamaTokenCounters {
  /** Prompt tokens of every completed request, evaluated or reused from the KV cache alike. */
  promptTokens: number;
  /** Tokens generated. */
  completionTokens: number;
}

const HOST = '127.0.0.1';

/**
 * Starts llama-server on loopback with the cached model and resolves once `/health` says the model
 * is loaded. It runs in a process group of its own, stopped as a group; where util-linux's `setpriv`
 * exists the kernel also sends it SIGTERM if this process dies without stopping it (a killed test
 * run), so no orphan keeps half a gigabyte and two cores. CPU only (`--device none`): the same
 * behaviour on every machine, GPU or not. One slot, so calls are answered one at a time in order.
 */
export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const port = options.port ?? (await freePort(HOST));
  const args = [
    '--model', options.files.modelPath,
    '--alias', LOCAL_MODEL.servedName,
    '--host', HOST,
    '--port', String(port),
    '--threads', String(options.threads),
    '--threads-batch', String(options.threads),
    '--ctx-size', String(options.contextSize),
    '--parallel', '1',
    '--device', 'none',
    '--no-webui',
    '--metrics',
    '--log-colors', 'off',
  ];
  // The key travels in the environment, not the command line that every local user can read in `ps`;
  // a LLAMA_API_KEY of the caller's own never reaches the server unasked.
  const { LLAMA_API_KEY: _callers, ...environment } = process.env;
  if (options.apiKey) environment.LLAMA_API_KEY = options.apiKey;
  environment.LD_LIBRARY_PATH = [options.files.libraryDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    const [command, commandArgs] = withParentDeathSignal(options.files.serverBinary, args);
    child = spawn(command, commandArgs, {
      detached: true,
      stdio: ['ignore', log, log],
      env: environment,
    });
  } finally {
    closeSync(log);
  }

  // 'error' instead of 'exit' when the binary cannot be started at all.
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  });
  const url = `http://${HOST}:${port}`;
  const stop = () => stopGroup(child, exited);
  try {
    await waitUntilReady(url, child, exited, options, () => spawnError);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    baseUrl: `${url}/v1`,
    model: LOCAL_MODEL.servedName,
    logFile: options.logFile,
    pid: child.pid!,
    async tokenCounters() {
      const response = await fetch(`${url}/metrics`, { headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {} });
      if (!response.ok) throw new Error(`llama-server /metrics answered ${response.status}`);
      return parseTokenCounters(await response.text());
    },
    stop,
  };
}

/** `setpriv --pdeathsig SIGTERM -- <binary>` where util-linux has it, else the binary itself. */
function withParentDeathSignal(binary: string, args: string[]): [string, string[]] {
  const probe = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.includes('--pdeathsig')) return ['setpriv', ['--pdeathsig', 'SIGTERM', '--', binary, ...args]];
  return [binary, args];
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  exited: Promise<void>,
  options: LlamaServerOptions,
  spawnError: () => Error | undefined,
): Promise<void> {
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (dead) {
      const how = spawnError()?.message ?? `code ${child.exitCode}, signal ${child.signalCode}`;
      throw new Error(`llama-server exited (${how}) before it was ready:\n${logTail(options.logFile)}`);
    }
    try {
      // 503 while the model loads, 200 once it can answer.
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`llama-server at ${url} was not ready within ${timeoutMs} ms (${last}):\n${logTail(options.logFile)}`);
}

/** SIGTERM to the whole group, SIGKILL after a grace period. */
async function stopGroup(child: ChildProcess, exited: Promise<void>, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is already gone
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * llama-server counts a request's prompt in two counters, tokens it evaluated and tokens it reused
 * from the slot's KV cache; their sum is the `usage.prompt_tokens` it reports per request.
 */
export function parseTokenCounters(metrics: string): LlamaTokenCounters {
  const value = (name: string) => {
    const match = new RegExp(`^llamacpp:${name} (\\S+)$`, 'm').exec(metrics);
    if (!match) throw new Error(`llama-server /metrics has no llamacpp:${name}`);
    return Number(match[1]);
  };
  return {
    promptTokens: value('prompt_tokens_total') + value('prompt_tokens_cached_total'),
    completionTokens: value('tokens_predicted_total'),
  };
}
