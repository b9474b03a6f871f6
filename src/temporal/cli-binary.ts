import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The tag of the Temporal CLI that `go install` accepts: later go.mod files carry a `replace`. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export const projectRoot = path.resolve(import.meta.dirname, '../..');
export const localCliPath = path.join(projectRoot, '.tools', 'bin', 'temporal');

export class TemporalCliMissingError extends Error {
  override name = 'TemporalCliMissingError';
}

function onPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const resolved = found.stdout.trim();
  return found.status === 0 && resolved ? resolved : undefined;
}

/** `temporal` from PATH, else the project's own build in `.tools/bin`, else undefined. */
export function findTemporalCli(): string | undefined {
  return onPath('temporal') ?? (existsSync(localCliPath) ? localCliPath : undefined);
}

/**
 * Finds the Temporal CLI, building it from the Go module proxy into `.tools/bin` when it is missing.
 * The build takes a few minutes the first time (Go downloads and compiles the server and its UI),
 * so progress is streamed to `log` rather than leaving the terminal silent.
 */
export async function ensureTemporalCli(log: (line: string) => void = console.error): Promise<string> {
  const existing = findTemporalCli();
  if (existing) return existing;

  const go = onPath('go');
  if (!go) {
    throw new TemporalCliMissingError(
      'The Temporal CLI is not installed and Go is not available to build it. Install Go >= 1.25 ' +
        '(https://go.dev/dl) and run again, or install the Temporal CLI (brew install temporal, or ' +
        'curl -sSf https://temporal.download/cli.sh | sh) so that `temporal` is on PATH.',
    );
  }

  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into .tools/bin (a few minutes, once)...`);
  const startedAt = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', '-ldflags=-s -w', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: path.dirname(localCliPath), GOFLAGS: '-x=false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    let downloads = 0;
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) {
        if (line.startsWith('go: downloading')) {
          downloads += 1;
          if (downloads % 25 === 0) log(`  ...${downloads} modules downloaded`);
        }
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const ticker = setInterval(() => log(`  ...still building (${Math.round((Date.now() - startedAt) / 1000)} s)`), 30_000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new TemporalCliMissingError(`go install of the Temporal CLI failed (exit ${code}):\n${tail}`));
    });
  });
  log(`Temporal CLI built in ${Math.round((Date.now() - startedAt) / 1000)} s.`);
  return localCliPath;
}
