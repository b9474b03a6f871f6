import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from './cli-binary.ts';

/** The scripts docker-compose.yml runs in its one-shot containers, run here as they are. */
export const deployScripts = {
  schema: path.join(projectRoot, 'deploy', 'temporal', 'setup-schema.sh'),
  namespace: path.join(projectRoot, 'deploy', 'temporal', 'setup-namespace.sh'),
} as const;

export const dynamicConfigFile = path.join(projectRoot, 'deploy', 'temporal', 'dynamicconfig', 'production-sql.yaml');

/**
 * A directory of links that gives the scripts the command names the admin-tools image has
 * (`temporal`, `temporal-sql-tool`) for binaries whose file names carry their version.
 */
export async function commandDirectory(dir: string, commands: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, target] of Object.entries(commands)) {
    const link = path.join(dir, name);
    await rm(link, { force: true });
    await symlink(target, link);
  }
  return dir;
}

export class DeployScriptError extends Error {
  override name = 'DeployScriptError';
}

/**
 * Runs a deploy script with `sh`, with only the environment given (plus PATH and HOME). Its output
 * (temporal-sql-tool logs every statement) goes to `logFile`; a failure carries the last of it.
 */
export async function runDeployScript(script: string, env: Record<string, string>, options: { binDir: string; logFile: string }): Promise<void> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn('sh', [script], {
    env: { PATH: `${options.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME ?? '/', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const onOutput = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  await new Promise<void>((resolve) => log.end(resolve));
  if (code !== 0) throw new DeployScriptError(`${path.relative(projectRoot, script)} failed (exit ${code}; log ${options.logFile}):\n${tail}`);
}
