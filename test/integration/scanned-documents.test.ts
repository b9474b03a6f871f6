import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageImage } from '../../src/documents/page-image.ts';
import { invoice } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';
import { labelledLines, pdfWith, scannedPdf, twoColumnLabelled } from '../support/test-pdfs.ts';

/** A configuration of accurate simulated models, so that what is tested is the reading, not a simulated slip. */
const accurate = {
  temperature: 0,
  orchestrator_model: 'claude-opus-4-7',
  orchestrator_prompt: 'Prefer values the validator accepted.',
  stage_models: { classify: ['gemini-3.5-flash'], extract: ['gpt-5.5', 'claude-opus-4-7'], validate: ['claude-sonnet-4-6'] },
};

/** An OpenAI-wire model without vision. */
const TEXT_ONLY_MODEL = {
  id: 'text-only-model',
  provider: 'openai',
  provider_model: 'text-only-model',
  display_name: 'A model without vision',
  context_window: 128000,
  max_output_tokens: 16384,
  temperature: true,
  reasoning: { control: 'none' },
  structured_output: 'json_schema',
  typical_output_tokens_per_field: 20,
  call_timeout_s: 60,
  prices: { input_usd_per_mtok: 0.1, output_usd_per_mtok: 0.4 },
  simulated_profile: { accuracy: 0.99, latency_factor: 1, output_tokens_per_field: 14 },
};

/** The invoice's labelled lines printed on a half-letter page and scanned at 300 DPI, as an office scanner would. */
async function scannedInvoicePng(n: number): Promise<Buffer> {
  const { document } = invoice(n);
  const printed = await pdfWith([labelledLines(document.text.split('\n'))], [612, 396]);
  return (await pageImage(printed, 'pdf', 1, 300))!.png;
}

const upload = (n: number, bytes: Uint8Array, mimeType: string) => ({
  ...invoice(n),
  document: { content_base64: Buffer.from(bytes).toString('base64'), mime_type: mimeType },
});

// OCR runs in WebAssembly on this machine's two shared cores: seconds a page, more under load.
describe('scans and images read by OCR in the run', { timeout: 240_000 }, () => {
  let stack: TestStack;
  beforeAll(async () => {
    // A model that takes no images, served by the in-process simulator like the built-in ones.
    const modelsFile = path.join(await mkdtemp(path.join(tmpdir(), 'quarry-models-')), 'models.json');
    await writeFile(modelsFile, JSON.stringify([{ ...TEXT_ONLY_MODEL }]));
    stack = await startTestStack({ QUARRY_MODELS_FILE: modelsFile });
  });
  afterAll(async () => stack?.stop());

  async function extract(body: unknown, configuration: object = accurate) {
    const queued = await stack.request('POST', '/queue', body);
    expect(queued.status, JSON.stringify(queued.body)).toBe(201);
    const id: string = queued.body.id;
    const started = await stack.request('POST', `/queue/process/${id}`, configuration);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const item = await waitForStatus(stack, id, ['completed', 'failed'], 180_000);
    const document = (await stack.request('GET', `/queue/${id}/document`)).body;
    const progress = await stack.temporal.workflow.getHandle(`extraction-${id}`).query('progress');
    return { id, item, document, progress: progress as { document?: { ocrPages: number; ocrMsPerPage: number | null } } };
  }

  function expectFieldsRight(item: { status: string; error?: string; accuracy?: number; result: { data: Record<string, unknown> } }, n: number) {
    expect(item.error).toBeUndefined();
    expect(item.status).toBe('completed');
    expect(item.result.data).toEqual(invoice(n).expected);
    expect(item.accuracy).toBe(1);
  }

  it('extracts a scanned invoice sent as an image-only PDF, its page marked as read by OCR', async () => {
    const scan = await scannedPdf([await scannedInvoicePng(21)], [612, 396]);
    const { item, document, progress } = await extract(upload(21, scan, 'application/pdf'));
    expectFieldsRight(item, 21);
    expect(document.pages).toHaveLength(1);
    expect(document.pages[0]).toMatchObject({ page: 1, ocr: true, width: 612, height: 396, confidence: expect.any(Number) });
    expect(document.pages[0].read_ms).toBeGreaterThan(0);
    // The run reports OCR's time per page.
    expect(progress.document).toMatchObject({ ocrPages: 1, ocrMsPerPage: document.pages[0].read_ms });
  });

  it('extracts a scanned invoice sent as a PNG, and as a JPEG', async () => {
    const png = await scannedInvoicePng(22);
    const fromPng = await extract(upload(22, png, 'image/png'));
    expectFieldsRight(fromPng.item, 22);
    // An image's page is measured in its pixels.
    const drawn = await loadImage(png);
    expect(fromPng.document.pages[0]).toMatchObject({ ocr: true, width: drawn.width, height: drawn.height });

    const image = await loadImage(await scannedInvoicePng(23));
    const canvas = createCanvas(image.width, image.height);
    canvas.getContext('2d').drawImage(image, 0, 0);
    const fromJpeg = await extract(upload(23, await canvas.encode('jpeg', 85), 'image/jpeg'));
    expectFieldsRight(fromJpeg.item, 23);
  });

  it("extracts a two-column PDF's fields, each column read on its own", async () => {
    const { expected } = invoice(24);
    const left = [`Invoice Number: ${expected.invoice_number}`, `Issue Date: ${expected.issue_date}`];
    const right = [`Vendor Name: ${expected.vendor_name}`, `Total Amount: $${expected.total_amount.toFixed(2)}`, `Paid: ${expected.paid ? 'yes' : 'no'}`];
    const { item, document } = await extract(upload(24, await pdfWith([twoColumnLabelled(left, right)]), 'application/pdf'));
    expectFieldsRight(item, 24);
    expect(document.pages[0]).toMatchObject({ ocr: false });
    expect(document.pages[0].text.split('\n')).toContain(`Invoice Number: ${expected.invoice_number}`);
  });

  it('sends the page images to the models instead of the text when the configuration asks (document_input: image)', async () => {
    const png = await scannedInvoicePng(26);
    const before = (await (await fetch(`${stack.simulatorUrl}/__sim/requests`)).json()).requests.length as number;
    const { id, item } = await extract(upload(26, png, 'image/png'), { ...accurate, document_input: 'image' });
    expectFieldsRight(item, 26);
    const { requests } = (await (await fetch(`${stack.simulatorUrl}/__sim/requests`)).json()) as { requests: Array<{ images: number; task: string; status: number }> };
    const calls = requests.slice(before).filter((request) => request.status === 200);
    expect(calls.map((request) => request.task).sort()).toEqual(['classify', 'extract', 'review', 'validate']);
    for (const request of calls) expect(request.images).toBe(1);
    // The prompt carried no text of the document, so its input was the images' tokens and the prompt's.
    const prompt = await stack.pool.query(`SELECT document_text FROM ai_extraction_queue WHERE id = $1`, [id]);
    const ledger = await stack.pool.query(`SELECT input_tokens FROM model_usage WHERE queue_item_id = $1 AND stage = 'classify'`, [id]);
    expect(prompt.rows[0].document_text).toContain(invoice(26).expected.invoice_number);
    expect(ledger.rows[0].input_tokens).toBeGreaterThan(1000);
  });

  it('sends text to a model without vision whatever the configuration says', async () => {
    const mixed = { ...accurate, document_input: 'both', stage_models: { ...accurate.stage_models, classify: [TEXT_ONLY_MODEL.id] } };
    const before = (await (await fetch(`${stack.simulatorUrl}/__sim/requests`)).json()).requests.length as number;
    const { item } = await extract(upload(27, await scannedInvoicePng(27), 'image/png'), mixed);
    expectFieldsRight(item, 27);
    const { requests } = (await (await fetch(`${stack.simulatorUrl}/__sim/requests`)).json()) as { requests: Array<{ images: number; task: string; model: string }> };
    const calls = requests.slice(before);
    expect(calls.find((request) => request.task === 'classify')).toMatchObject({ model: TEXT_ONLY_MODEL.id, images: 0 });
    expect(calls.find((request) => request.task === 'extract')).toMatchObject({ images: 1 });
  });

  it('reads a document shared by the copies of an experiment once, however many runs start together', async () => {
    const queued = await stack.request('POST', '/queue', upload(28, await scannedInvoicePng(28), 'image/png'));
    const arm = (name: string, extract: string) => ({ ...accurate, name, stage_models: { ...accurate.stage_models, extract: [extract] } });
    const started = await stack.request('POST', '/experiments', {
      name: 'shared scan',
      configurations: [arm('a', 'gpt-5.5'), arm('b', 'claude-opus-4-7'), arm('c', 'gemini-3.1-pro')],
      item_ids: [queued.body.id],
      concurrency: 3,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await stack.temporal.workflow.getHandle(started.body.workflow_id).result();
    const { rows } = await stack.pool.query('SELECT item_id FROM experiment_runs WHERE experiment_id = $1', [started.body.id]);
    expect(rows).toHaveLength(3);
    const reads = await Promise.all(
      rows.map(async (row: { item_id: string }) => ((await stack.temporal.workflow.getHandle(`extraction-${row.item_id}`).query('progress')) as { document: { reused: boolean } }).document),
    );
    // One run read it; the others waited for its pages, or found them stored.
    expect(reads.filter((read) => !read.reused)).toHaveLength(1);
    const { rows: items } = await stack.pool.query('SELECT status, document_text FROM ai_extraction_queue WHERE id = ANY($1)', [rows.map((row: { item_id: string }) => row.item_id)]);
    for (const item of items) expect(item).toMatchObject({ status: 'completed', document_text: expect.stringContaining(invoice(28).expected.invoice_number) });
  });

  it('fails the run of a blank scan: OCR found no text', async () => {
    const blank = createCanvas(1200, 800);
    const context = blank.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 1200, 800);
    const { item } = await extract(upload(25, await blank.encode('png'), 'image/png'));
    expect(item.status).toBe('failed');
    expect(item.error).toBe('the document cannot be read: the document has no text; OCR found none on its page');
  });
});
