import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentRow } from '../../../src/db/documents.ts';
import type { Pool } from '../../../src/db/pool.ts';
import { documentStore, StoredDocumentMissingError } from '../../../src/intake/document-store.ts';
import { acceptUpload, UploadRejectedError } from '../../../src/intake/upload.ts';

/** A directory store never touches the database: no pool is needed to test it. */
const noPool = undefined as unknown as Pool;

describe('uploads kept in a documents directory', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'quarry-documents-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  const rowOf = (upload: ReturnType<typeof acceptUpload>): DocumentRow => ({
    id: 'd', format: upload.format, mime_type: upload.mimeType, declared_mime_type: upload.declaredMimeType, filename: upload.filename,
    size_bytes: upload.sizeBytes, sha256: upload.sha256, storage: 'directory', status: 'pending', page_count: null, error: null, read_at: null,
  });

  it('writes each distinct content once, named by its SHA-256, and reads it back', async () => {
    const store = documentStore(noPool, directory);
    const upload = acceptUpload({ text: 'Invoice Number: INV-1' }, 1024);
    const kept = await store.keep([upload, { ...upload, filename: 'again.txt' }]);
    expect(kept.map((document) => document.content)).toEqual([null, null]);
    expect(await readdir(path.join(directory, upload.sha256.slice(0, 2)))).toEqual([upload.sha256]);
    expect((await store.read(rowOf(upload))).toString()).toBe('Invoice Number: INV-1');
  });

  it('says which file is missing or damaged, and that the directory must be shared', async () => {
    const store = documentStore(noPool, directory);
    const upload = acceptUpload({ text: 'Never written' }, 1024);
    await expect(store.read(rowOf(upload))).rejects.toThrow(new StoredDocumentMissingError(`document d is not in ${directory}: does this process share the API's QUARRY_DOCUMENTS_DIR?`));
    const written = acceptUpload({ text: 'Written, then damaged' }, 1024);
    await store.keep([written]);
    await writeFile(path.join(directory, written.sha256.slice(0, 2), written.sha256), 'something else');
    await expect(store.read(rowOf(written))).rejects.toThrow(/SHA-256 differs/);
    await expect(documentStore(noPool, undefined).read(rowOf(written))).rejects.toThrow(/QUARRY_DOCUMENTS_DIR is not set here/);
  });
});

describe('accepting an upload', () => {
  it('tells the format by the bytes, refuses what it does not read, and hashes what it keeps', () => {
    const pdf = Buffer.from('%PDF-1.7\n%%EOF\n');
    const accepted = acceptUpload({ content_base64: pdf.toString('base64'), mime_type: 'application/octet-stream', filename: 'scan' }, 1024);
    expect(accepted).toMatchObject({ format: 'pdf', mimeType: 'application/pdf', declaredMimeType: 'application/octet-stream', sizeBytes: pdf.byteLength });
    expect(accepted.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    const refuse = (document: Parameters<typeof acceptUpload>[0], max = 1024) => {
      try {
        acceptUpload(document, max);
      } catch (error) {
        if (error instanceof UploadRejectedError) return error.code;
        throw error;
      }
      return 'accepted';
    };
    expect(refuse({ content_base64: Buffer.from('GIF89a..').toString('base64') })).toBe('unsupported_format');
    expect(refuse({ content_base64: Buffer.alloc(2048, 0x41).toString('base64'), mime_type: 'text/plain' })).toBe('document_too_large');
    expect(refuse({ content_base64: 'not base64!' })).toBe('invalid_base64');
    expect(refuse({ text: ' \n\t ' })).toBe('empty_document');
    expect(refuse({ text: 'A\u0000B' })).toBe('accepted');
  });
});
