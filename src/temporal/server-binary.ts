import { existsSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from './cli-binary.ts';
import { goInstall, goModuleDir, onPath } from './go-install.ts';

/**
 * The production Temporal server that `quarry cluster up` runs, and the tag of `temporalio/server`
 * and `temporalio/admin-tools` in docker-compose.yml (test/unit/deployment checks they agree).
 */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
/** The Web UI's server (`temporalio/ui` in docker-compose.yml), the same binary as that image's. */
export const TEMPORAL_UI_VERSION = '2.56.4';
/**
 * Both modules' go.mod ask for Go >= 1.26.10, newer than many machines' Go. The go command fetches
 * a pinned toolchain through the module proxy like any module (about 76 MB, once), so the build is
 * the same wherever it runs.
 */
export const GO_TOOLCHAIN = 'go1.27.3';

const SERVER_MODULE = 'go.temporal.io/server';
const UI_MODULE = 'github.com/temporalio/ui-server/v2';

export interface TemporalServerTools {
  /** `temporal-server`: `start` renders its embedded config template from the environment. */
  server: string;
  /** `temporal-sql-tool`, which deploy/temporal/setup-schema.sh runs. */
  sqlTool: string;
  /** Laid out like `/etc/temporal/schema` in the admin-tools image: `postgresql/v12/{temporal,visibility}`. */
  schemaDir: string;
  /** The UI server, `ui-server` in the `temporalio/ui` image. */
  uiServer: string;
  /** The image's own config template (`config/docker.yaml`), read from the environment like the image does. */
  uiConfigTemplate: string;
}

export class TemporalToolMissingError extends Error {
  override name = 'TemporalToolMissingError';
}

/** Where the version-named builds live; several checkouts may share one `.tools` without clashing. */
export function temporalServerToolPaths(root: string = projectRoot): TemporalServerTools {
  const bin = path.join(root, '.tools', 'bin');
  const share = path.join(root, '.tools', 'share');
  return {
    server: path.join(bin, `temporal-server-${TEMPORAL_SERVER_VERSION}`),
    sqlTool: path.join(bin, `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}`),
    schemaDir: path.join(share, `temporal-server-${TEMPORAL_SERVER_VERSION}`, 'schema'),
    uiServer: path.join(bin, `temporal-ui-server-${TEMPORAL_UI_VERSION}`),
    uiConfigTemplate: path.join(share, `temporal-ui-server-${TEMPORAL_UI_VERSION}`, 'docker.yaml'),
  };
}

/**
 * The Temporal server, temporal-sql-tool, the PostgreSQL schema and the Web UI server, built with Go
 * into `.tools` when missing. A cold build takes minutes (Go's module and build caches make the
 * next one fast); each part lands under its final name only once complete, so an interrupted or
 * concurrent build never leaves a half-written binary behind.
 */
export async function ensureTemporalServerTools(log: (line: string) => void = console.error): Promise<TemporalServerTools> {
  const tools = temporalServerToolPaths();
  const serverReady = [tools.server, tools.sqlTool, tools.schemaDir].every((file) => existsSync(file));
  const uiReady = [tools.uiServer, tools.uiConfigTemplate].every((file) => existsSync(file));
  if (serverReady && uiReady) return tools;

  const go = onPath('go');
  if (!go) {
    throw new TemporalToolMissingError(
      `The Temporal server ${TEMPORAL_SERVER_VERSION} is not built yet and Go is not available to build it. ` +
        'Install Go >= 1.21 (https://go.dev/dl; it fetches the toolchain the server needs by itself) and run again.',
    );
  }
  const toolsDir = path.dirname(path.dirname(tools.server));
  await mkdir(path.dirname(tools.server), { recursive: true });
  const scratch = await mkdtemp(path.join(toolsDir, 'build-'));
  try {
    if (!serverReady) {
      log(`Building the Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool with Go into .tools/bin (minutes when cold)...`);
      const gobin = path.join(scratch, 'server');
      await goInstall({
        go,
        packages: [`${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`],
        gobin,
        label: `the Temporal server ${TEMPORAL_SERVER_VERSION}`,
        toolchain: GO_TOOLCHAIN,
        log,
      });
      const moduleDir = goModuleDir(go, `${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`, GO_TOOLCHAIN);
      const schema = path.join(scratch, 'schema');
      await cp(path.join(moduleDir, 'schema', 'postgresql'), path.join(schema, 'postgresql'), { recursive: true });
      await makeWritable(schema);
      await moveInto(schema, tools.schemaDir);
      await rename(path.join(gobin, 'sql'), tools.sqlTool);
      await rename(path.join(gobin, 'server'), tools.server);
    }
    if (!uiReady) {
      log(`Building the Temporal Web UI server ${TEMPORAL_UI_VERSION} with Go into .tools/bin...`);
      const gobin = path.join(scratch, 'ui');
      await goInstall({
        go,
        packages: [`${UI_MODULE}/cmd/server@v${TEMPORAL_UI_VERSION}`],
        gobin,
        label: `the Temporal UI server ${TEMPORAL_UI_VERSION}`,
        toolchain: GO_TOOLCHAIN,
        log,
      });
      const moduleDir = goModuleDir(go, `${UI_MODULE}@v${TEMPORAL_UI_VERSION}`, GO_TOOLCHAIN);
      await mkdir(path.dirname(tools.uiConfigTemplate), { recursive: true });
      const template = path.join(scratch, 'docker.yaml');
      await copyFile(path.join(moduleDir, 'config', 'docker.yaml'), template);
      await chmod(template, 0o644);
      await rename(template, tools.uiConfigTemplate);
      await rename(path.join(gobin, 'server'), tools.uiServer);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return tools;
}

/** Go's module cache is read-only; the copy must stay removable. */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(entryPath);
    else await chmod(entryPath, 0o644);
  }
}

/** A directory renamed into place; another build that got there first wins, which is the same. */
async function moveInto(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}
