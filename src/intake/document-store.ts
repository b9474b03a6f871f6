import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentRow, NewDocument } from '../db/documents.ts';
import { documentContent } from '../db/documents.ts';
import type { Pool } from '../db/pool.ts';

/**
 * Where uploads' bytes live. By default in PostgreSQL, in the `documents` row itself: one store to
 * back up, reached by every worker wherever it runs, and written in the same transaction as the
 * items (a batch lands whole or not at all). With `QUARRY_DOCUMENTS_DIR`, in that directory instead,
 * one file per distinct content named by its SHA-256, for deployments whose uploads would make the
 * database large; every API and worker process must then see the same directory.
 */
export interface DocumentStore {
  /** Keeps the bytes of uploads before their rows are written; each comes back ready to insert. */
  keep(documents: readonly NewDocument[]): Promise<NewDocument[]>;
  /** The bytes of a stored document. */
  read(document: DocumentRow): Promise<Buffer>;
}

/** The stored bytes are missing or not what was uploaded: the store is misconfigured or damaged. */
export class StoredDocumentMissingError extends Error {
  override name = 'StoredDocumentMissingError';
}

export function documentStore(pool: Pool, directory: string | undefined): DocumentStore {
  const root = directory ? path.resolve(directory) : undefined;
  const fileOf = (sha256: string) => path.join(root!, sha256.slice(0, 2), sha256);
  return {
    async keep(documents) {
      if (!root) return [...documents];
      const kept: NewDocument[] = [];
      for (const document of documents) {
        if (document.content === null) throw new TypeError('an upload to keep has no bytes');
        await writeOnce(fileOf(document.sha256), document.content);
        kept.push({ ...document, content: null });
      }
      return kept;
    },

    async read(document) {
      if (document.storage === 'database') {
        const content = await documentContent(pool, document.id);
        if (!content) throw new StoredDocumentMissingError(`document ${document.id} has no stored bytes`);
        return content;
      }
      if (!root) throw new StoredDocumentMissingError(`document ${document.id} is kept in a documents directory, and QUARRY_DOCUMENTS_DIR is not set here`);
      const file = fileOf(document.sha256);
      const content = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new StoredDocumentMissingError(`document ${document.id} is not in ${root}: does this process share the API's QUARRY_DOCUMENTS_DIR?`);
        throw error;
      });
      if (createHash('sha256').update(content).digest('hex') !== document.sha256) {
        throw new StoredDocumentMissingError(`${file} is not the bytes uploaded for document ${document.id} (SHA-256 differs)`);
      }
      return content;
    },
  };
}

/**
 * Writes a content-named file unless it is there already: identical uploads share it. Written to a
 * temporary name and renamed, so a reader never sees half a file.
 */
async function writeOnce(file: string, content: Buffer): Promise<void> {
  const present = await stat(file).then(
    (found) => found.size === content.byteLength,
    () => false,
  );
  if (present) return;
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.part`;
  try {
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
