import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocument } from '../../src/documents/read-document.ts';
import { storePage } from '../../src/db/document-pages.ts';
import { invoice, invoiceSchema, mixedProviderConfig } from '../support/documents.ts';
import { minimalPdf } from '../support/minimal-pdf.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';
import { pdfWith } from '../support/test-pdfs.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/documents/${name}`, import.meta.url));
const upload = (bytes: Uint8Array, mimeType?: string, filename?: string) => ({
  ...invoice(1),
  document: { content_base64: Buffer.from(bytes).toString('base64'), ...(mimeType ? { mime_type: mimeType } : {}), ...(filename ? { filename } : {}) },
});

/** Intake stores uploads as they came; each item's run reads its document as its first activity. */
describe('durable intake', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  async function queue(body: unknown): Promise<string> {
    const response = await stack.request('POST', '/queue', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id;
  }
  async function run(id: string, statuses = ['completed']) {
    expect((await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig)).status).toBe(202);
    return waitForStatus(stack, id, [...statuses, ...['completed', 'failed'].filter((status) => !statuses.includes(status))]);
  }

  it('keeps the upload byte for byte, reads nothing at intake, and reads it in the run', async () => {
    const pdf = minimalPdf(['Invoice Number: INV-77', 'Total Amount: 12.50']);
    // Sent as octet-stream: the bytes say it is a PDF.
    const id = await queue(upload(pdf, 'application/octet-stream', 'invoice.pdf'));

    const stored = await stack.pool.query('SELECT d.content, d.sha256, d.format, d.mime_type, d.declared_mime_type, q.document_text FROM documents d JOIN ai_extraction_queue q ON q.document_id = d.id WHERE q.id = $1', [id]);
    expect(Buffer.compare(stored.rows[0].content, pdf)).toBe(0);
    expect(stored.rows[0]).toMatchObject({ sha256: createHash('sha256').update(pdf).digest('hex'), format: 'pdf', mime_type: 'application/pdf', declared_mime_type: 'application/octet-stream', document_text: '' });
    const before = await stack.request('GET', `/queue/${id}/document`);
    expect(before.body).toMatchObject({ mime_type: 'application/pdf', filename: 'invoice.pdf', size_bytes: pdf.byteLength, status: 'pending', page_count: null, pages: [] });

    const item = await run(id);
    expect(item.status).toBe('completed');
    expect(item.document.preview).toBe('Invoice Number: INV-77\nTotal Amount: 12.50');
    const after = await stack.request('GET', `/queue/${id}/document`);
    expect(after.body).toMatchObject({ status: 'read', page_count: 1, has_page_images: true });
    expect(after.body.pages).toEqual([{ page: 1, text: 'Invoice Number: INV-77\nTotal Amount: 12.50', ocr: false, width: 612, height: 792, confidence: null, read_ms: expect.any(Number) }]);
    // The run's progress says what reading found.
    const progress = await stack.temporal.workflow.getHandle(`extraction-${id}`).query('progress');
    expect(progress).toMatchObject({ document: { pages: 1, ocrPages: 0, ocrMsPerPage: null, reused: false } });
  });

  it('reads HTML without its scripts, DOCX with its table, and text without NUL bytes', async () => {
    const html = await queue(upload(Buffer.from('<html><body><script>alert(1)</script><p>Invoice Number: <b>INV-9</b></p></body></html>'), 'text/html', 'a.html'));
    const docx = await queue(upload(fixture('invoice.docx'), undefined, 'invoice.docx'));
    const text = await queue({ ...invoice(2), document: { text: 'Invoice Number: A\u0000B' } });
    for (const id of [html, docx, text]) await run(id, ['completed', 'failed']);
    const textOf = async (id: string) => (await stack.pool.query('SELECT document_text FROM ai_extraction_queue WHERE id = $1', [id])).rows[0].document_text as string;
    expect(await textOf(html)).toContain('Invoice Number: INV-9');
    expect(await textOf(html)).not.toContain('alert');
    expect(await textOf(docx)).toBe((await readDocument(fixture('invoice.docx'))).pages[0]!.text);
    expect(await textOf(text)).toBe('Invoice Number: AB');
    expect((await stack.request('GET', `/queue/${docx}/document`)).body).toMatchObject({ format: 'docx', has_page_images: false, pages: [{ page: 1, width: null }] });
  });

  it('answers a batch of 500 PDFs at once, parsing none of them; the workers read them', async () => {
    const items = Array.from({ length: 500 }, (_, n) => upload(minimalPdf([`Invoice Number: B-${n}`, `Total Amount: ${n}.00`]), 'application/pdf', `b-${n}.pdf`));
    const response = await stack.request('POST', '/queue/batch', { items });
    expect(response.status).toBe(201);
    const ids: string[] = response.body.ids;
    expect(ids).toHaveLength(500);
    const unread = await stack.pool.query(
      `SELECT count(*)::int AS n FROM ai_extraction_queue q JOIN documents d ON d.id = q.document_id
        WHERE q.id = ANY($1) AND d.status = 'pending' AND q.document_text = '' AND NOT EXISTS (SELECT 1 FROM document_pages p WHERE p.document_id = d.id)`,
      [ids],
    );
    expect(unread.rows[0].n).toBe(500);

    const some = ids.slice(0, 6);
    const started = await stack.request('POST', '/queue/process', { ids: some, configuration: mixedProviderConfig });
    expect(started.body.started).toHaveLength(6);
    for (const [index, id] of some.entries()) {
      const item = await waitForStatus(stack, id, ['completed', 'failed']);
      expect(item.status).toBe('completed');
      expect(item.document.preview).toBe(`Invoice Number: B-${index}\nTotal Amount: ${index}.00`);
    }
    const read = await stack.pool.query(`SELECT count(*)::int AS n FROM ai_extraction_queue q JOIN documents d ON d.id = q.document_id WHERE q.id = ANY($1) AND d.status = 'read'`, [ids]);
    expect(read.rows[0].n).toBe(6);
  });

  it('fails the run of an encrypted PDF with the reason, without a retry', async () => {
    const id = await queue(upload(fixture('encrypted.pdf'), 'application/pdf'));
    const item = await run(id, ['failed']);
    expect(item.status).toBe('failed');
    expect(item.error).toBe('the document cannot be read: the PDF is protected by a password; send it without the password');
    expect(item.stages[0]).toMatchObject({ stage: 'parse', status: 'failed' });
    expect(item.usage.calls).toBe(0);
    expect((await stack.request('GET', `/queue/${id}/document`)).body).toMatchObject({ status: 'failed', pages: [] });
    const history = await stack.temporal.workflow.getHandle(`extraction-${id}`).fetchHistory();
    const attempts = history.events!.filter((event) => event.activityTaskStartedEventAttributes).map((event) => event.activityTaskStartedEventAttributes!.attempt);
    expect(attempts[0]).toBe(1);
    expect(history.events!.filter((event) => event.activityTaskFailedEventAttributes)).toHaveLength(1);
  });

  it('fails the run of a damaged PDF, naming the damage', async () => {
    const id = await queue(upload(Buffer.from('%PDF-1.7\ngarbage that is no PDF at all\n'), 'application/pdf'));
    const item = await run(id, ['failed']);
    expect(item.error).toMatch(/^the document cannot be read: the PDF could not be opened: /);
  });

  it('resumes a reading after the pages an earlier attempt stored', async () => {
    const pdf = await pdfWith([1, 2, 3].map((n) => [{ text: `Invoice Number: R-${n}`, x: 72, top: 100 }]));
    const id = await queue(upload(pdf, 'application/pdf'));
    // An attempt that stopped after page 1 (the worker lost): its page is kept as it stored it.
    const { rows } = await stack.pool.query('SELECT document_id FROM ai_extraction_queue WHERE id = $1', [id]);
    const first = (await readDocument(pdf, { ocr: false })).pages[0]!;
    await storePage(stack.pool, rows[0].document_id, { ...first, text: 'Invoice Number: R-1 (stored by the earlier attempt)' }, 4321);
    await run(id);
    const document = (await stack.request('GET', `/queue/${id}/document`)).body;
    expect(document.pages.map((page: { text: string; read_ms: number }) => [page.text, page.read_ms === 4321])).toEqual([
      ['Invoice Number: R-1 (stored by the earlier attempt)', true],
      ['Invoice Number: R-2', false],
      ['Invoice Number: R-3', false],
    ]);
  });

  it('serves page images: a PDF page drawn, an image as itself, 404 past the last page or for text', async () => {
    const pdf = await pdfWith([[{ text: 'Invoice Number: P-1', x: 72, top: 100 }], [{ text: 'Page two', x: 72, top: 100 }]], [612, 396]);
    const id = await queue(upload(pdf, 'application/pdf'));
    const response = await stack.app.request(`/queue/${id}/document/pages/2.png`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const image = await loadImage(Buffer.from(await response.arrayBuffer()));
    // 144 DPI: two pixels a point.
    expect([image.width, image.height]).toEqual([1224, 792]);
    expect((await stack.request('GET', `/queue/${id}/document/pages/3.png`)).status).toBe(404);
    expect((await stack.request('GET', `/queue/${id}/document/pages/0.png`)).status).toBe(400);

    const png = Buffer.from(await (await stack.app.request(`/queue/${id}/document/pages/1.png`)).arrayBuffer());
    const imageItem = await queue(upload(png, 'image/png', 'scan.png'));
    const served = await stack.app.request(`/queue/${imageItem}/document/pages/1.png`);
    expect(served.status).toBe(200);
    expect((await loadImage(Buffer.from(await served.arrayBuffer()))).width).toBe(1224);

    const text = await queue({ ...invoice(3), schema: invoiceSchema });
    const refused = await stack.request('GET', `/queue/${text}/document/pages/1.png`);
    expect(refused.status).toBe(404);
    expect(refused.body.error.details).toEqual({ reason: 'a plain text document has no drawn pages' });
    expect((await stack.request('GET', '/queue/00000000-0000-4000-8000-000000000000/document')).status).toBe(404);
    expect((await stack.request('GET', '/queue/00000000-0000-4000-8000-000000000000/document/pages/1.png')).status).toBe(404);
  });
});

describe('durable intake into a documents directory (QUARRY_DOCUMENTS_DIR)', () => {
  let stack: TestStack;
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'quarry-documents-'));
    stack = await startTestStack({ QUARRY_DOCUMENTS_DIR: directory });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps the bytes in the directory, not in PostgreSQL, and the run and the viewer read them there', async () => {
    const pdf = minimalPdf(['Invoice Number: DIR-1', 'Total Amount: 3.00']);
    const id = (await stack.request('POST', '/queue', upload(pdf, 'application/pdf'))).body.id;
    const { rows } = await stack.pool.query('SELECT d.content, d.storage, d.sha256 FROM documents d JOIN ai_extraction_queue q ON q.document_id = d.id WHERE q.id = $1', [id]);
    expect(rows[0]).toMatchObject({ content: null, storage: 'directory' });
    expect(Buffer.compare(await readFile(path.join(directory, rows[0].sha256.slice(0, 2), rows[0].sha256)), pdf)).toBe(0);
    expect((await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig)).status).toBe(202);
    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.document.preview).toBe('Invoice Number: DIR-1\nTotal Amount: 3.00');
    expect((await stack.app.request(`/queue/${id}/document/pages/1.png`)).status).toBe(200);
  });
});
