import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
import { ModelPerformanceListSchema, RecommendationsSchema, TimeRangeAnalyticsSchema } from '../../src/contract/analytics.ts';
import { CatalogEntrySchema, RetiredModelSchema } from '../../src/contract/catalog.ts';
import { SavedConfigurationListSchema, SavedConfigurationSchema } from '../../src/contract/configurations.ts';
import { DashboardStatusSchema } from '../../src/contract/dashboard-status.ts';
import { ExperimentListSchema, ExperimentSchema } from '../../src/contract/experiments.ts';
import { ItemDetailSchema } from '../../src/contract/item-detail.ts';
import { ProcessBatchResultSchema, QueueCountSchema, QueuePageSchema } from '../../src/contract/queue.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/**
 * The contract (src/contract) is what the dashboard parses every answer with: the server's real
 * answers must parse, field for field (a strict parse, so a key the contract does not name fails
 * too). And the application layer's refusals reach clients the same way through the API and the CLI.
 */
describe('the contract', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  /** GETs `path` and parses the answer the way the dashboard does. */
  async function read<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    const { status, body } = await stack.request('GET', path);
    expect(status, `GET ${path}: ${JSON.stringify(body)}`).toBe(200);
    const parsed = schema.safeParse(body);
    expect(parsed.error?.issues ?? [], `GET ${path}`).toEqual([]);
    return parsed.data!;
  }

  it("parses every answer the dashboard reads, after a run and an experiment", async () => {
    const saved = await stack.request('POST', '/configurations', { ...mixedProviderConfig, name: `contract ${randomUUID()}` });
    expect(saved.status).toBe(201);
    const { body: batch } = await stack.request('POST', '/queue/batch', { items: [invoice(901), invoice(902)] });
    const processed = ProcessBatchResultSchema.parse(
      (await stack.request('POST', '/queue/process', { ids: batch.ids, configuration: { configuration_id: saved.body.id } })).body,
    );
    expect(processed.started.map((started) => started.id)).toEqual(batch.ids);
    for (const id of batch.ids) await waitForStatus(stack, id, ['completed']);

    const item = await read(`/queue/${batch.ids[0]}`, ItemDetailSchema.strict());
    expect(item.stages.map((stage) => stage.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'completed']);
    await read('/queue?limit=10', QueuePageSchema);
    await read('/configurations', SavedConfigurationListSchema);
    await read(`/configurations/${saved.body.id}`, SavedConfigurationSchema);
    // Strict: the catalog's own fields (the simulator's profile, price-library ids) stay on the server.
    expect((await read('/models', CatalogEntrySchema.strict().array())).length).toBeGreaterThan(0);
    expect((await read('/models/retired', RetiredModelSchema.strict().array())).length).toBeGreaterThan(0);
    await read('/dashboard/status', DashboardStatusSchema);
    await read('/dashboard/analytics', TimeRangeAnalyticsSchema);
    await read('/analytics/models', ModelPerformanceListSchema);
    await read('/analytics/recommendations', RecommendationsSchema);

    const experiment = await stack.request('POST', '/experiments', {
      name: 'contract',
      configurations: [{ configuration_id: saved.body.id }, { ...mixedProviderConfig, name: 'inline' }],
      item_ids: batch.ids,
    });
    expect(experiment.status).toBe(202);
    await stack.temporal.workflow.getHandle(experiment.body.workflow_id).result();
    const report = await read(`/experiments/${experiment.body.id}`, ExperimentSchema);
    expect(report.runs).toHaveLength(4);
    await read('/experiments', ExperimentListSchema);
  });

  it('processes a selection as one call: every item it can start, and why the others did not', async () => {
    const { body } = await stack.request('POST', '/queue/batch', { items: [invoice(911), invoice(912)] });
    const unknown = randomUUID();
    const answer = await stack.request('POST', '/queue/process', { ids: [body.ids[0], unknown, body.ids[1]], configuration: mixedProviderConfig });
    expect(answer.status).toBe(202);
    const result = ProcessBatchResultSchema.parse(answer.body);
    expect(result.started.map((started) => started.id)).toEqual(body.ids);
    expect(result.failed).toEqual([{ id: unknown, error: { code: 'not_found', message: `queue item ${unknown} not found` } }]);

    // Again at once: both runs are active, so neither starts a second time.
    const again = ProcessBatchResultSchema.parse((await stack.request('POST', '/queue/process', { ids: body.ids, configuration: mixedProviderConfig })).body);
    expect(again.started).toEqual([]);
    expect(again.failed.map((failure) => failure.error.code)).toEqual(['run_active', 'run_active']);
    for (const id of body.ids) await waitForStatus(stack, id, ['completed']);
  });

  it('refuses a whole batch whose configuration is unusable, and a malformed one', async () => {
    const { body } = await stack.request('POST', '/queue', invoice(913));
    const cases: Array<[unknown, number, string]> = [
      [{ ids: [body.id], configuration: { configuration_id: randomUUID() } }, 404, 'not_found'],
      [{ ids: [body.id], configuration: { ...mixedProviderConfig, orchestrator_model: 'gpt-9-ultra' } }, 400, 'unknown_model'],
      [{ ids: [body.id, body.id], configuration: mixedProviderConfig }, 400, 'invalid_request'],
      [{ ids: [], configuration: mixedProviderConfig }, 400, 'invalid_request'],
    ];
    for (const [request, status, code] of cases) {
      const answer = await stack.request('POST', '/queue/process', request);
      expect([answer.status, answer.body.error?.code]).toEqual([status, code]);
    }
    expect((await stack.request('GET', `/queue/${body.id}`)).body.status).toBe('pending');
  });

  it('counts items by status without listing them', async () => {
    const counted = async (query: string) => QueueCountSchema.parse((await stack.request('GET', `/queue/count${query}`)).body).count;
    const total = await counted('');
    const statuses = await stack.pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM ai_extraction_queue GROUP BY status');
    expect(total).toBe(statuses.rows.reduce((sum, row) => sum + row.n, 0));
    for (const row of statuses.rows) expect(await counted(`?status=${row.status}`)).toBe(row.n);
    expect(await counted('?status=needs_review')).toBe(statuses.rows.find((row) => row.status === 'needs_review')?.n ?? 0);
    expect((await stack.request('GET', '/queue/count?status=done')).status).toBe(400);
  });

  it('answers 404, not 500, for an item or an experiment whose workflow Temporal does not have', async () => {
    // An item whose record says a run owns it, though no workflow was ever started for it.
    const { body: item } = await stack.request('POST', '/queue', invoice(914));
    await stack.pool.query(`UPDATE ai_extraction_queue SET status = 'running' WHERE id = $1`, [item.id]);
    const cancelled = await stack.request('POST', `/queue/${item.id}/cancel`);
    expect([cancelled.status, cancelled.body.error.code]).toEqual([404, 'not_found']);
    expect(cancelled.body.error.details).toEqual({ workflow_id: `extraction-${item.id}` });

    await stack.pool.query(`UPDATE ai_extraction_queue SET status = 'needs_review' WHERE id = $1`, [item.id]);
    const reviewed = await stack.request('POST', `/queue/${item.id}/review`, { reviewer: 'ana', corrections: {} });
    expect([reviewed.status, reviewed.body.error.code]).toEqual([404, 'not_found']);

    const { body: source } = await stack.request('POST', '/queue', invoice(915));
    const arm = (name: string) => ({ ...mixedProviderConfig, name });
    const experiment = await stack.request('POST', '/experiments', { name: 'orphan', configurations: [arm('a'), arm('b')], item_ids: [source.id] });
    await stack.temporal.workflow.getHandle(experiment.body.workflow_id).result();
    await stack.pool.query(`UPDATE experiments SET status = 'running', workflow_id = $2 WHERE id = $1`, [experiment.body.id, `experiment-gone-${randomUUID()}`]);
    const stopped = await stack.request('POST', `/experiments/${experiment.body.id}/cancel`);
    expect([stopped.status, stopped.body.error.code]).toEqual([404, 'not_found']);
  });

  it('speaks the same refusals through the CLI: a message and exit code 2, no stack trace', async () => {
    const missing = randomUUID();
    const env = { ...process.env, DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), QUARRY_LOG_LEVEL: 'warn' };
    const outcome = await run('node', ['bin/quarry.js', 'retry', missing], { cwd: root, env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(outcome).toEqual({ code: 2, stderr: `quarry: queue item ${missing} not found\n` });
  });
});
