import { spawn, spawnSync } from 'node:child_process';

/** An executable found on PATH, or undefined. */
export function onPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const resolved = found.stdout.trim();
  return found.status === 0 && resolved ? resolved : undefined;
}

export class GoBuildError extends Error {
  override name = 'GoBuildError';
}

export interface GoInstallOptions {
  go: string;
  /** `module/path/cmd@version`, all of one module version (go install's rule). */
  packages: string[];
  /** Where the binaries land, named after their package's last path element. */
  gobin: string;
  /** What is being built, for the progress lines. */
  label: string;
  /** A pinned toolchain for modules whose go.mod asks for a newer Go than the machine's. */
  toolchain?: string;
  log: (line: string) => void;
}

/**
 * `go install` with progress: a count of downloaded modules and a line every 30 s, because a cold
 * build of a Temporal binary takes minutes and a silent terminal looks hung. Statically linked
 * (CGO off) and stripped, as Temporal's own release builds are.
 */
export async function goInstall(options: GoInstallOptions): Promise<void> {
  const startedAt = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, CGO_ENABLED: '0', GOBIN: options.gobin, GOFLAGS: '-x=false' };
  if (options.toolchain) env.GOTOOLCHAIN = options.toolchain;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(options.go, ['install', '-ldflags=-s -w', ...options.packages], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let downloads = 0;
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) {
        if (line.startsWith('go: downloading go1')) options.log(`  ...fetching the Go toolchain ${options.toolchain ?? ''} from the module proxy`);
        else if (line.startsWith('go: downloading')) {
          downloads += 1;
          if (downloads % 25 === 0) options.log(`  ...${downloads} modules downloaded`);
        }
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const ticker = setInterval(() => options.log(`  ...still building ${options.label} (${Math.round((Date.now() - startedAt) / 1000)} s)`), 30_000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new GoBuildError(`go install of ${options.label} failed (exit ${code}):\n${tail}`));
    });
  });
  options.log(`${options.label} built in ${Math.round((Date.now() - startedAt) / 1000)} s.`);
}

/** The directory of a module version in Go's module cache (downloaded when missing). */
export function goModuleDir(go: string, moduleAtVersion: string, toolchain?: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '-mod=mod' };
  if (toolchain) env.GOTOOLCHAIN = toolchain;
  const result = spawnSync(go, ['mod', 'download', '-json', moduleAtVersion], { encoding: 'utf8', env });
  let parsed: { Dir?: string; Error?: string } = {};
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    // Reported below with go's own words.
  }
  if (result.status !== 0 || !parsed.Dir) {
    throw new GoBuildError(`go mod download ${moduleAtVersion} failed: ${parsed.Error ?? result.stderr.trim()}`);
  }
  return parsed.Dir;
}
