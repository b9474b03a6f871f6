import { existsSync } from 'node:fs';
import path from 'node:path';
import { goInstall, onPath } from './go-install.ts';

/** The tag of the Temporal CLI that `go install` accepts: later go.mod files carry a `replace`. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export const projectRoot = path.resolve(import.meta.dirname, '../..');
export const localCliPath = path.join(projectRoot, '.tools', 'bin', 'temporal');

export class TemporalCliMissingError extends Error {
  override name = 'TemporalCliMissingError';
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
  try {
    await goInstall({
      go,
      packages: [`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
      gobin: path.dirname(localCliPath),
      label: 'the Temporal CLI',
      log,
    });
  } catch (error) {
    throw new TemporalCliMissingError((error as Error).message, { cause: error });
  }
  return localCliPath;
}
