import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExperiment } from '../../src/runs/start-experiment.ts';
import { submitReviewUpdate } from '../../src/workflows/human-review.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { minimalPdf } from '../support/minimal-pdf.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';
import { labelledLines, pdfWith } from '../support/test-pdfs.ts';

/**
 * Records the histories that `replay.test.ts` replays on every run. Run it on purpose, when a new
 * kind of run should be protected: `QUARRY_RECORD_HISTORIES=1 npx vitest run test/integration/record-histories.test.ts`.
 * Recorded histories are never re-recorded to make a failing replay pass: that would hide exactly
 * the break the replay test exists to catch.
 */
const recording = process.env.QUARRY_RECORD_HISTORIES === '1';
const fixtures = path.resolve(import.meta.dirname, '../fixtures/histories');

describe.runIf(recording)('recording workflow histories for the replay test', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      QUARRY_ATTEMPTS_PER_MODEL: '2',
      QUARRY_SIM_FAULTS: JSON.stringify({ 'claude-haiku-4-5': { status: 500, rate: 1 } }),
    });
  });
  afterAll(async () => stack?.stop());

  async function save(name: string, id: string, workflowId = `extraction-${id}`, runId?: string) {
    const history = await stack.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    await writeFile(path.join(fixtures, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
  }
  async function run(n: number, config: object, item: object = invoice(n)) {
    const id = (await stack.request('POST', '/queue', item)).body.id as string;
    expect((await stack.request('POST', `/queue/process/${id}`, config)).status).toBe(202);
    return id;
  }
  /** Invoice `n` uploaded as a PDF. */
  const pdfUpload = (n: number, bytes: Uint8Array) => ({ ...invoice(n), document: { content_base64: Buffer.from(bytes).toString('base64'), mime_type: 'application/pdf' } });
  /** A run sent to review by its confidence threshold, corrected by the recorder, and completed. */
  async function reviewedRun(n: number) {
    const id = await run(n, { ...mixedProviderConfig, review: { confidence_threshold: 1, deadline_hours: 1 } });
    await waitForStatus(stack, id, ['needs_review']);
    await stack.temporal.workflow
      .getHandle(`extraction-${id}`)
      .executeUpdate(submitReviewUpdate, { args: [{ reviewer: 'recorder', corrections: { vendor_name: 'Corrected GmbH' } }] });
    await waitForStatus(stack, id, ['completed']);
    return id;
  }

  it('records a completed run with a different provider per stage', async () => {
    const id = await run(100, mixedProviderConfig);
    await waitForStatus(stack, id, ['completed']);
    await save('completed-mixed-providers', id);
  });

  it('records a fallback hop and a failed run', async () => {
    const hop = await run(101, { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, extract: ['claude-haiku-4-5', 'gpt-4.1-mini'] } });
    await waitForStatus(stack, hop, ['completed']);
    await save('fallback-hop', hop);
    const failed = await run(102, { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, extract: ['claude-haiku-4-5'] } });
    await waitForStatus(stack, failed, ['failed']);
    await save('chain-exhausted', failed);
  });

  it('records a human review and a resumed retry', async () => {
    const reviewed = await reviewedRun(103);
    await save('human-review', reviewed);

    const resumed = await run(104, { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, validate: ['claude-haiku-4-5'] } });
    await waitForStatus(stack, resumed, ['failed']);
    const retried = await stack.request('POST', `/queue/${resumed}/retry`, {
      configuration: { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, validate: ['gpt-4o'] } },
    });
    expect(retried.body.from_stage).toBe('validate');
    await waitForStatus(stack, resumed, ['completed']);
    await save('resumed-from-validate', resumed);
  });

  it('records a cancelled run and one stopped by its budget', async () => {
    const cancelled = await run(105, { ...mixedProviderConfig, review: { confidence_threshold: 1, deadline_hours: 1 } });
    await waitForStatus(stack, cancelled, ['needs_review']);
    await stack.request('POST', `/queue/${cancelled}/cancel`);
    await waitForStatus(stack, cancelled, ['cancelled']);
    await save('cancelled-in-review', cancelled);

    const budget = await run(106, { ...mixedProviderConfig, max_cost_usd: 0.000001 });
    await waitForStatus(stack, budget, ['failed']);
    await save('budget-exhausted', budget);
  });

  it('records runs that read their uploaded document first: a PDF that completes, an encrypted one that fails', async () => {
    const pdf = minimalPdf(invoice(120).document.text.split('\n'));
    const read = await run(120, mixedProviderConfig, pdfUpload(120, pdf));
    await waitForStatus(stack, read, ['completed']);
    await save('read-uploaded-pdf', read);

    const encrypted = readFileSync(path.resolve(import.meta.dirname, '../fixtures/documents/encrypted.pdf'));
    const unreadable = await run(121, mixedProviderConfig, pdfUpload(121, encrypted));
    await waitForStatus(stack, unreadable, ['failed']);
    await save('unreadable-document', unreadable);
  });

  it('records a document extracted in chunks: five pages, a chunk a page, merged', async () => {
    const { expected } = invoice(122);
    const lines = ['Document type: invoice', `Vendor Name: ${expected.vendor_name}`, `Invoice Number: ${expected.invoice_number}`, `Issue Date: ${expected.issue_date}`, `Total Amount: ${expected.total_amount.toFixed(2)}`];
    const pdf = await pdfWith(lines.map((line) => labelledLines([line])));
    const id = await run(122, { ...mixedProviderConfig, chunk_pages: 1, chunk_overlap_pages: 0 }, pdfUpload(122, pdf));
    await waitForStatus(stack, id, ['completed']);
    await save('chunked-extraction', id);
  });

  it('records runs whose bookkeeping ran as local activities (the local-bookkeeping patch)', async () => {
    const completed = await run(123, mixedProviderConfig);
    await waitForStatus(stack, completed, ['completed']);
    await save('local-bookkeeping-completed', completed);

    const reviewed = await reviewedRun(124);
    await save('local-bookkeeping-human-review', reviewed);

    const failed = await run(125, { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, extract: ['claude-haiku-4-5'] } });
    await waitForStatus(stack, failed, ['failed']);
    await save('local-bookkeeping-chain-exhausted', failed);
  });

  it('records runs begun with the patches folded (one marker): a text read in place, a PDF read on the documents queue, a human review', async () => {
    const inPlace = await run(126, mixedProviderConfig);
    await waitForStatus(stack, inPlace, ['completed']);
    await save('folded-text-read-in-place', inPlace);

    const pdf = minimalPdf(invoice(127).document.text.split('\n'));
    const read = await run(127, mixedProviderConfig, pdfUpload(127, pdf));
    await waitForStatus(stack, read, ['completed']);
    await save('folded-pdf-read-by-reader', read);

    const reviewed = await reviewedRun(128);
    await save('folded-human-review', reviewed);
  });

  it('records a folded run whose extract model takes the document whole, without a chunk plan', async () => {
    const whole = await run(129, mixedProviderConfig);
    await waitForStatus(stack, whole, ['completed']);
    await save('folded-extract-without-plan', whole);
  });

  it('records an experiment: a parent workflow running its children in a window', async () => {
    const shared = { temperature: 0, orchestrator_model: 'gpt-4.1-mini', orchestrator_prompt: '' };
    const arm = (name: string, extract: string) => ({
      ...shared,
      name,
      stage_models: { classify: ['gemini-3.1-flash-lite'], extract: [extract], validate: ['gpt-4.1-mini'] },
    });
    const { body: batch } = await stack.request('POST', '/queue/batch', { items: [invoice(110), invoice(111), invoice(112)] });
    const started = await stack.request('POST', '/experiments', {
      name: 'recorded',
      configurations: [arm('accurate', 'claude-opus-4-7'), arm('cheap', 'gpt-4.1-nano')],
      item_ids: batch.ids,
      concurrency: 2,
    });
    expect(started.status).toBe(202);
    await stack.temporal.workflow.getHandle(started.body.workflow_id).result();
    await save('experiment', started.body.id, started.body.workflow_id);
  });

  it('records an experiment that continues as new: a later run, with runs handed over by the one before', async () => {
    const shared = { temperature: 0, orchestrator_model: 'gpt-4.1-mini', orchestrator_prompt: '' };
    const arm = (name: string, extract: string) => ({
      ...shared,
      name,
      stage_models: { classify: ['gemini-2.5-flash-lite'], extract: [extract], validate: ['gpt-4.1-mini'] },
    });
    const { body: batch } = await stack.request('POST', '/queue/batch', { items: Array.from({ length: 6 }, (_, i) => invoice(120 + i)) });
    const started = await startExperiment(
      { ...stack, settings: { ...stack.settings, QUARRY_EXPERIMENT_HISTORY_EVENTS: 40 } },
      { name: 'recorded, continued', configurations: [arm('accurate', 'claude-opus-4-1'), arm('cheap', 'gpt-4.1-nano')], item_ids: batch.ids, concurrency: 3 },
    );
    await stack.temporal.workflow.getHandle(started.workflow_id).result();
    // The second run: started with runs in flight from the first, it learns of their end by signal.
    const chain: string[] = [];
    let runId: string | undefined = (await stack.temporal.workflow.getHandle(started.workflow_id).describe()).runId;
    while (runId) {
      chain.unshift(runId);
      const history = await stack.temporal.workflow.getHandle(started.workflow_id, runId).fetchHistory();
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    expect(chain.length).toBeGreaterThan(2);
    runId = chain[1];
    await save('experiment-continued', started.id, started.workflow_id, runId);
  });
  it('records an experiment that starts runs in batches and continues as new: a later run, with runs handed over by the one before', async () => {
    const shared = { temperature: 0, orchestrator_model: 'gpt-4.1-mini', orchestrator_prompt: '' };
    const arm = (name: string, extract: string) => ({
      ...shared,
      name,
      stage_models: { classify: ['gemini-2.5-flash-lite'], extract: [extract], validate: ['gpt-4.1-mini'] },
    });
    const { body: batch } = await stack.request('POST', '/queue/batch', { items: Array.from({ length: 6 }, (_, i) => invoice(130 + i)) });
    const started = await startExperiment(
      { ...stack, settings: { ...stack.settings, QUARRY_EXPERIMENT_HISTORY_EVENTS: 40 } },
      { name: 'recorded, batched', configurations: [arm('accurate', 'claude-opus-4-1'), arm('cheap', 'gpt-4.1-nano')], item_ids: batch.ids, concurrency: 3 },
    );
    await stack.temporal.workflow.getHandle(started.workflow_id).result();
    // The second run: started with runs in flight from the first, it learns of their end by signal.
    const chain: string[] = [];
    let runId: string | undefined = (await stack.temporal.workflow.getHandle(started.workflow_id).describe()).runId;
    while (runId) {
      chain.unshift(runId);
      const history = await stack.temporal.workflow.getHandle(started.workflow_id, runId).fetchHistory();
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    expect(chain.length).toBeGreaterThan(2);
    runId = chain[1];
    await save('experiment-batched', started.id, started.workflow_id, runId);
  });
});
