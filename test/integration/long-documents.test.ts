import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';
import { labelledLines, pdfWith, type Placed } from '../support/test-pdfs.ts';

/** An OpenAI-wire simulated model with a small window: a 40-page contract is several times its usable input. */
const SMALL_WINDOW_MODEL = {
  id: 'small-window-model',
  provider: 'openai',
  provider_model: 'small-window-model',
  display_name: 'A model with an 8k window',
  context_window: 8000,
  max_output_tokens: 2048,
  temperature: true,
  reasoning: { control: 'none' },
  structured_output: 'json_schema',
  typical_output_tokens_per_field: 20,
  call_timeout_s: 60,
  prices: { input_usd_per_mtok: 0.1, output_usd_per_mtok: 0.4 },
  simulated_profile: { accuracy: 1, latency_factor: 1, output_tokens_per_field: 14 },
};

/** A model that gets every value wrong: what it answers is not in the document. */
const CARELESS_MODEL = { ...SMALL_WINDOW_MODEL, id: 'careless-model', provider_model: 'careless-model', context_window: 128000, simulated_profile: { accuracy: 0, latency_factor: 1, output_tokens_per_field: 14 } };

const contractSchema = {
  name: 'contract',
  fields: [
    { name: 'contract_number', type: 'string', description: 'The contract number', required: true },
    { name: 'party_name', type: 'string', description: 'The other party', required: true },
    { name: 'effective_date', type: 'date', description: 'When the contract takes effect', required: true },
    { name: 'total_value', type: 'number', description: 'The total contract value', required: true },
    { name: 'governing_law', type: 'string', description: 'The law that governs the contract', required: true },
  ],
};
const expected = { contract_number: 'C-7781', party_name: 'Northwind Traders Ltd', effective_date: '2026-05-01', total_value: 48250, governing_law: 'Scotland' };
/** The page each value is written on, in a 40-page contract. */
const written: Record<string, { page: number; line: string }> = {
  contract_number: { page: 1, line: 'Contract Number: C-7781' },
  party_name: { page: 14, line: 'Party Name: Northwind Traders Ltd' },
  effective_date: { page: 27, line: 'Effective Date: 2026-05-01' },
  total_value: { page: 39, line: 'Total Value: $48,250.00' },
  governing_law: { page: 40, line: 'Governing Law: Scotland' },
};

/** Page n of the contract: a clause heading and running text (no `Label: value` lines), and the page's value if it has one. */
function contractPage(n: number): Placed[] {
  const prose = Array.from({ length: 30 }, (_, line) => `Clause ${n}.${line + 1} the parties agree to act in good faith and keep records of every delivery`);
  const value = Object.values(written).find((entry) => entry.page === n);
  return [{ text: `Section ${n} of the services agreement`, x: 72, top: 60, size: 12 }, ...labelledLines(value ? [value.line, ...prose] : prose, { top: 90, size: 9, leading: 20 })];
}

const config = (extract: string[], more: object = {}) => ({
  temperature: 0,
  orchestrator_model: 'claude-opus-4-7',
  orchestrator_prompt: '',
  stage_models: { classify: ['gemini-3.5-flash'], extract, validate: ['claude-sonnet-4-6'] },
  ...more,
});

describe('long documents in chunks, and where each value came from', { timeout: 240_000 }, () => {
  let stack: TestStack;
  let contractPdf: string;
  beforeAll(async () => {
    const modelsFile = path.join(await mkdtemp(path.join(tmpdir(), 'quarry-models-')), 'models.json');
    await writeFile(modelsFile, JSON.stringify([SMALL_WINDOW_MODEL, CARELESS_MODEL]));
    // Two calls of the small model fail once with a 500: their chunks are retried, each attempt a ledger row.
    stack = await startTestStack({ QUARRY_MODELS_FILE: modelsFile, QUARRY_SIM_FAULTS: JSON.stringify({ [SMALL_WINDOW_MODEL.id]: { status: 500, rate: 1, count: 2 } }) });
    contractPdf = Buffer.from(await pdfWith(Array.from({ length: 40 }, (_, index) => contractPage(index + 1)))).toString('base64');
  });
  afterAll(async () => stack?.stop());

  async function run(body: object, configuration: object, statuses = ['completed', 'failed']) {
    const queued = await stack.request('POST', '/queue', body);
    expect(queued.status, JSON.stringify(queued.body)).toBe(201);
    const id: string = queued.body.id;
    const started = await stack.request('POST', `/queue/process/${id}`, configuration);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return { id, item: await waitForStatus(stack, id, statuses, 200_000) };
  }

  it('extracts a 40-page PDF in chunks with a model whose window it exceeds, each value citing its page, every chunk ledgered once', async () => {
    const { id, item } = await run({ document: { content_base64: contractPdf, mime_type: 'application/pdf' }, schema: contractSchema }, config([SMALL_WINDOW_MODEL.id]));
    expect(item.error).toBeUndefined();
    expect(item.status).toBe('completed');
    expect(item.result.data).toEqual(expected);

    const { rows: chunks } = await stack.pool.query('SELECT chunk, first_page, last_page FROM chunk_outputs WHERE queue_item_id = $1 ORDER BY chunk', [id]);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks[0].first_page).toBe(1);
    expect(chunks.at(-1).last_page).toBe(40);
    // Page-aligned and overlapping: each chunk opens with the last page of the one before.
    for (let index = 1; index < chunks.length; index += 1) expect(chunks[index].first_page).toBe(chunks[index - 1].last_page);

    // Each chunk is its own activity with its own ledger rows: one per attempt (two failed with a 500
    // and were retried), one success per chunk, every call key once.
    const { rows: calls } = await stack.pool.query(`SELECT call_key, success FROM model_usage WHERE queue_item_id = $1 AND stage = 'extract'`, [id]);
    expect(new Set(calls.map((row: { call_key: string }) => row.call_key)).size).toBe(calls.length);
    expect(calls.filter((row: { success: boolean }) => row.success)).toHaveLength(chunks.length);
    expect(calls.filter((row: { success: boolean }) => !row.success)).toHaveLength(2);

    for (const [name, { page, line }] of Object.entries(written)) {
      const field = item.result.fields[`/${name}`];
      expect(field.source, name).toMatchObject({ page, match: 'exact', bbox: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)] });
      // The value was read by the chunk holding its page, and its offsets point at it in that page's text.
      expect(field.chunk.first_page).toBeLessThanOrEqual(page);
      expect(field.chunk.last_page).toBeGreaterThanOrEqual(page);
      expect(field.chunk.count).toBe(chunks.length);
      const document = (await stack.request('GET', `/queue/${id}/document`)).body;
      const text: string = document.pages[page - 1].text;
      const span = text.slice(field.source.start, field.source.end);
      expect(span.length).toBeGreaterThan(0);
      expect(line).toContain(span);
    }
  });

  it('chunks a document that fits when the configuration sets a chunk size', async () => {
    const { id, item } = await run({ document: { content_base64: contractPdf, mime_type: 'application/pdf' }, schema: contractSchema }, config(['gpt-5.5'], { chunk_pages: 10, chunk_overlap_pages: 0 }));
    expect(item.status).toBe('completed');
    expect(item.result.data).toEqual(expected);
    const { rows } = await stack.pool.query('SELECT first_page, last_page FROM chunk_outputs WHERE queue_item_id = $1 ORDER BY chunk', [id]);
    expect(rows).toEqual([1, 11, 21, 31].map((first) => ({ first_page: first, last_page: first + 9 })));
  });

  it('lowers the confidence of a value not found in the document, and sends the item to review when the policy says', async () => {
    const text = ['Contract Number: C-7781', 'Party Name: Northwind Traders Ltd', 'Effective Date: 2026-05-01', 'Total Value: $48,250.00', 'Governing Law: Scotland'].join('\n');
    const careless = { ...config([CARELESS_MODEL.id]), orchestrator_model: CARELESS_MODEL.id };
    const review = { confidence_threshold: 0, deadline_hours: 1, on_deadline: 'accept' };

    const { id, item } = await run({ document: { text }, schema: contractSchema }, { ...careless, review: { ...review, review_when_not_found: true } }, ['needs_review', 'completed', 'failed']);
    expect(item.status).toBe('needs_review');
    const missing = Object.entries(item.result.fields as Record<string, { source: { match: string } | null; confidence: number }>).filter(([, field]) => field.source?.match === 'not_found');
    expect(missing.length).toBeGreaterThan(0);
    for (const [pointer] of missing) expect(item.result.review_reasons).toContain(`${pointer}: not found in the document`);
    const { rows } = await stack.pool.query(`SELECT output FROM stage_outputs WHERE queue_item_id = $1 AND stage = 'review' ORDER BY step DESC LIMIT 1`, [id]);
    for (const [pointer, field] of missing) expect(field.confidence).toBeCloseTo((rows[0].output.confidence[pointer] ?? 0) * 0.5, 4);

    // Without the setting, the same values only lose confidence.
    const other = await run({ document: { text }, schema: contractSchema }, { ...careless, review }, ['needs_review', 'completed', 'failed']);
    expect((other.item.result.review_reasons ?? []).filter((reason: string) => reason.endsWith('not found in the document'))).toEqual([]);
  });
});
