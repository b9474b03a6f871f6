import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, intakeBodyBytes } from '../../src/api/app.ts';
import { invoice, invoiceSchema, mixedProviderConfig } from '../support/documents.ts';
import { minimalPdf } from '../support/minimal-pdf.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Every malformed or hostile request gets a 4xx in the contract's error shape, and nothing is
 * written: the queue's row count is the same before and after the whole table.
 */
describe('bad input', () => {
  let stack: TestStack;
  let pendingId: string;
  beforeAll(async () => {
    stack = await startTestStack({}, { worker: false });
    pendingId = (await stack.request('POST', '/queue', invoice(1))).body.id;
  });
  afterAll(async () => stack?.stop());

  const validItem = invoice(1);
  const cases: Array<[string, string, string, unknown, number, string?]> = [
    ['no body', 'POST', '/queue', undefined, 400],
    ['malformed JSON', 'POST', '/queue', '{"document": ', 400],
    ['a JSON array', 'POST', '/queue', [], 400],
    ['document text of the wrong type', 'POST', '/queue', { ...validItem, document: { text: 42 } }, 400],
    ['empty document text', 'POST', '/queue', { ...validItem, document: { text: '' } }, 400],
    ['whitespace-only text', 'POST', '/queue', { ...validItem, document: { text: '   \n ' } }, 400, 'empty_document'],
    ['an unknown top-level field (no mass assignment)', 'POST', '/queue', { ...validItem, status: 'completed' }, 400],
    ['an unknown document field', 'POST', '/queue', { ...validItem, document: { text: 'x', id: 'x' } }, 400],
    ['bad base64', 'POST', '/queue', { ...validItem, document: { content_base64: '!!!not base64', mime_type: 'text/plain' } }, 400, 'invalid_base64'],
    [
      'a "PDF" that is not one',
      'POST',
      '/queue',
      { ...validItem, document: { content_base64: Buffer.from('hello, not a pdf').toString('base64'), mime_type: 'application/pdf' } },
      400,
      'corrupt_document',
    ],
    ['a PNG that is not one', 'POST', '/queue', { ...validItem, document: { content_base64: 'aGk=', mime_type: 'image/png' } }, 400, 'corrupt_document'],
    ['a GIF, which Quarry does not read', 'POST', '/queue', { ...validItem, document: { content_base64: Buffer.from('GIF89a\u0001\u0000').toString('base64') } }, 400, 'unsupported_format'],
    ['a type Quarry does not read', 'POST', '/queue', { ...validItem, document: { content_base64: 'aGk=', mime_type: 'application/zip' } }, 400, 'unsupported_format'],
    ['binary bytes sent as text', 'POST', '/queue', { ...validItem, document: { content_base64: Buffer.from([0, 1, 2, 0, 3]).toString('base64'), mime_type: 'text/plain' } }, 400, 'unsupported_format'],
    ['an XLSX', 'POST', '/queue', { ...validItem, document: { content_base64: Buffer.from('PK\u0003\u0004xl/workbook.xml').toString('base64'), filename: 'a.xlsx' } }, 400, 'unsupported_format'],
    ['a schema without fields', 'POST', '/queue', { ...validItem, schema: { name: 'x', fields: [] } }, 400],
    ['an unknown field type', 'POST', '/queue', { ...validItem, schema: { name: 'x', fields: [{ name: 'a', type: 'money' }] } }, 400],
    ['an enum without values', 'POST', '/queue', { ...validItem, schema: { name: 'x', fields: [{ name: 'a', type: 'enum' }] } }, 400],
    ['duplicate field names', 'POST', '/queue', { ...validItem, schema: { name: 'x', fields: [{ name: 'a', type: 'string' }, { name: 'a', type: 'number' }] } }, 400],
    ['a hostile field name', 'POST', '/queue', { ...validItem, schema: { name: 'x', fields: [{ name: "a'; DROP TABLE x;--", type: 'string' }] } }, 400],
    ['expected values for a field not in the schema', 'POST', '/queue', { ...validItem, expected: { nope: 1 } }, 400],
    ['a batch with one bad item', 'POST', '/queue/batch', { items: [validItem, { ...validItem, document: { text: '' } }] }, 400],
    ['an empty batch', 'POST', '/queue/batch', { items: [] }, 400],
    ['a non-uuid item id', 'GET', '/queue/not-a-uuid', undefined, 400],
    ['an unknown item', 'GET', '/queue/00000000-0000-4000-8000-000000000000', undefined, 404],
    ['an unknown status filter', 'GET', '/queue?status=done', undefined, 400],
    ['a forged cursor', 'GET', '/queue?cursor=abc', undefined, 400, 'invalid_cursor'],
    ['a limit out of range', 'GET', '/queue?limit=100000', undefined, 400],
    ['an unknown route', 'GET', '/nope', undefined, 404],
  ];

  it.each(cases)('refuses %s', async (_name, method, path, body, status, code) => {
    const before = await stack.pool.query('SELECT count(*)::int AS n FROM ai_extraction_queue');
    const response = await stack.request(method, path, body);
    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    if (code) expect(response.body.error.code).toBe(code);
    const after = await stack.pool.query('SELECT count(*)::int AS n FROM ai_extraction_queue');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  const processCases: Array<[string, unknown, number, string?]> = [
    ['temperature above 1', { ...mixedProviderConfig, temperature: 1.5 }, 400],
    ['temperature below 0', { ...mixedProviderConfig, temperature: -0.1 }, 400],
    ['a temperature string', { ...mixedProviderConfig, temperature: '0.5' }, 400],
    ['an unknown model', { ...mixedProviderConfig, orchestrator_model: 'gpt-9-ultra' }, 400, 'unknown_model'],
    ['an unknown model in a chain', { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, extract: ['nope'] } }, 400, 'unknown_model'],
    ['an empty chain', { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, validate: [] } }, 400],
    ['an unknown stage', { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, summarise: ['gpt-4o'] } }, 400],
    ['a missing stage', { ...mixedProviderConfig, stage_models: { classify: ['gpt-4o'], extract: ['gpt-4o'] } }, 400],
    ['an unknown field', { ...mixedProviderConfig, workflow_id: 'extraction-evil' }, 400],
    ['an unknown configuration', { configuration_id: '00000000-0000-4000-8000-000000000000' }, 404],
  ];

  it.each(processCases)('refuses to process with %s', async (_name, body, status, code) => {
    const response = await stack.request('POST', `/queue/process/${pendingId}`, body);
    expect(response.status).toBe(status);
    if (code) expect(response.body.error.code).toBe(code);
    const item = await stack.request('GET', `/queue/${pendingId}`);
    expect(item.body).toMatchObject({ status: 'pending', model_config: null, workflow_id: null });
  });

  it('lists the valid model ids when it refuses an unknown one', async () => {
    const response = await stack.request('POST', `/queue/process/${pendingId}`, { ...mixedProviderConfig, orchestrator_model: 'gpt-9-ultra' });
    expect(response.body.error.message).toContain('gpt-9-ultra');
    expect(response.body.error.details.valid).toContain('gpt-4.1');
    expect(response.body.error.message).toContain('claude-sonnet-4-6');
  });

  it('answers 413 for a body over the limit, without reading it all', async () => {
    const huge = JSON.stringify({ ...validItem, document: { text: 'x'.repeat(70 * 1024 * 1024) } });
    const response = await stack.request('POST', '/queue', huge);
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ code: 'payload_too_large', message: `the request body is over ${intakeBodyBytes(stack.settings.QUARRY_MAX_DOCUMENT_BYTES)} bytes` });
    // Other routes keep the small limit.
    const configuration = await stack.request('POST', '/configurations', JSON.stringify({ ...mixedProviderConfig, name: 'x'.repeat(17 * 1024 * 1024) }));
    expect(configuration.status).toBe(413);
  });

  it('refuses a document over the configured size with 400, naming the limit', async () => {
    const app = createApp({ pool: stack.pool, temporal: stack.temporal, catalog: stack.catalog, settings: { ...stack.settings, QUARRY_MAX_DOCUMENT_BYTES: 2048 }, simulated: true });
    const before = await stack.pool.query('SELECT count(*)::int AS n FROM documents');
    const pdf = Buffer.concat([minimalPdf(['Invoice Number: INV-77']), Buffer.alloc(2048, 0x20)]);
    const response = await app.request('/queue', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...validItem, document: { content_base64: pdf.toString('base64'), mime_type: 'application/pdf' } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'document_too_large', message: expect.stringContaining('limit of 2048 bytes') } });
    const after = await stack.pool.query('SELECT count(*)::int AS n FROM documents');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('names the batch item whose upload it refuses, and queues none of the batch', async () => {
    const before = await stack.pool.query('SELECT count(*)::int AS n FROM documents');
    const response = await stack.request('POST', '/queue/batch', { items: [validItem, { ...validItem, document: { content_base64: 'aGk=', mime_type: 'image/webp' } }] });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'unsupported_format', message: expect.stringMatching(/^items\.1\.document: /) });
    const after = await stack.pool.query('SELECT count(*)::int AS n FROM documents');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('names every accepted format when it refuses one', async () => {
    const response = await stack.request('POST', '/queue', { ...validItem, document: { content_base64: 'aGk=', mime_type: 'application/zip' } });
    for (const format of ['PDF (application/pdf)', 'PNG (image/png)', 'JPEG (image/jpeg)', 'TIFF (image/tiff)', 'HTML (text/html)', 'plain text (text/plain)', 'DOCX (']) {
      expect(response.body.error.message).toContain(format);
    }
  });

  it('queues a batch in one transaction and pages through the queue with a cursor', async () => {
    const batch = await stack.request('POST', '/queue/batch', { items: [invoice(2), invoice(3), invoice(4)] });
    expect(batch.status).toBe(201);
    expect(batch.body.ids).toHaveLength(3);
    const first = await stack.request('GET', '/queue?status=pending&limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await stack.request('GET', `/queue?status=pending&limit=2&cursor=${first.body.next_cursor}`);
    const seen = [...first.body.items, ...second.body.items].map((item: { id: string }) => item.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(first.body.items[0].schema_name).toBe(invoiceSchema.name);
  });

  it('answers 503 when Temporal is down, and leaves the item as it was', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) });
    const app = createApp({ pool: stack.pool, temporal: unreachable, catalog: stack.catalog, settings: stack.settings, simulated: true });
    const response = await app.request(`/queue/process/${pendingId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(mixedProviderConfig),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'temporal_unavailable' } });
    const item = await stack.request('GET', `/queue/${pendingId}`);
    expect(item.body).toMatchObject({ status: 'pending', model_config: null, configuration_id: null, workflow_id: null, started_at: null });
    const health = await app.request('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', database: 'ok', temporal: expect.stringMatching(/^error/) });
  });

  describe('with QUARRY_API_TOKEN set', () => {
    it('requires the bearer token on every route but /health', async () => {
      const app = createApp({
        pool: stack.pool,
        temporal: stack.temporal,
        catalog: stack.catalog,
        settings: { ...stack.settings, QUARRY_API_TOKEN: 's3cret-token' },
        simulated: true,
      });
      expect((await app.request('/models')).status).toBe(401);
      expect((await app.request('/models', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const denied = await app.request('/queue', { method: 'POST', body: JSON.stringify(validItem), headers: { 'content-type': 'application/json' } });
      expect(denied.status).toBe(401);
      expect(await denied.json()).toMatchObject({ error: { code: 'unauthorized' } });
      expect((await app.request('/models', { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
      expect((await app.request('/health')).status).toBe(200);
    });
  });
});
