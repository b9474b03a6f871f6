import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Settings } from '../config/environment.ts';
import type { ModelConfig } from '../contract/model-config.ts';
import type { Pool } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import { callsOfRun } from '../db/run-calls.ts';
import { checkSchemaBudget } from '../pipeline/structured-output/schema-budget.ts';
import { InvalidRequestError } from '../runs/errors.ts';
import { queueDocuments } from '../runs/queue-documents.ts';
import { startExtraction } from '../runs/start-extraction.ts';
import type { Dataset, DatasetDocument, DatasetDomain } from './dataset.ts';
import { figuresOf, pathsOf, scoreDocument, type DocumentOutcome, type DomainReport, type EvalReport } from './eval-report.ts';

/**
 * Runs a dataset's documents through the pipeline with one configuration, as a client would: each
 * document is queued as `POST /queue` queues it, with its domain's schema as the file gives it, every run is started at once on the worker, and when all have ended each
 * completed document's data is scored against its gold (`eval-report.ts`). The items stay in the
 * database (metadata `eval`), so a run can be opened in the dashboard afterwards.
 */

export interface EvalDeps {
  pool: Pool;
  temporal: Client;
  settings: Settings;
  simulated: boolean;
}

export interface EvalChoice {
  config: ModelConfig;
  configurationId: string;
  name: string | null;
}

export interface EvalOptions {
  /** Only these domains (their ids, e.g. `hiring/resume`). */
  domains?: string[] | undefined;
  /** At most this many documents per domain (in name order). */
  limit?: number | undefined;
}

const FINISHED = new Set(['completed', 'failed', 'cancelled', 'needs_review']);

interface Queued {
  domain: DatasetDomain;
  document: DatasetDocument;
  itemId?: string;
  /** Why it never ran (intake refused it, the run could not start). */
  error?: string;
}

/**
 * Queues one document as `POST /queue` does (`queueDocuments`: the same intake, schema checks and
 * budget), so the eval reads documents exactly as the product does, whatever intake becomes.
 */
async function queueDocument(deps: EvalDeps, domain: DatasetDomain, document: DatasetDocument, dataset: string): Promise<Queued> {
  try {
    const content = await readFile(document.documentPath);
    const [itemId] = await queueDocuments(
      deps,
      [
        {
          // Intake tells the format from the bytes (and the name): PDF, images, DOCX, HTML, text.
          document: { content_base64: content.toString('base64'), filename: path.basename(document.documentPath) },
          schema: domain.schemaInput as Record<string, unknown>,
          metadata: { eval: { dataset, domain: domain.id, document: document.id } },
        },
      ],
      { batch: false },
    );
    return { domain, document, itemId: itemId! };
  } catch (error) {
    if (error instanceof InvalidRequestError) return { domain, document, error: `intake: ${error.message}` };
    throw error;
  }
}

async function waitForAll(pool: Pool, ids: readonly string[], say: (line: string) => void): Promise<void> {
  let reported = -1;
  for (;;) {
    const result = await pool.query<{ status: string }>('SELECT status FROM ai_extraction_queue WHERE id = ANY($1::uuid[])', [ids]);
    const done = result.rows.filter((row) => FINISHED.has(row.status)).length;
    if (done !== reported) say(`${done}/${ids.length} documents finished`);
    reported = done;
    if (done === ids.length) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function outcomeOf(deps: EvalDeps, queued: Queued): Promise<DocumentOutcome> {
  const base = { domain: queued.domain.id, document: queued.document.id, values: 0, correct: 0, unscored: 0, costUsd: 0, calls: 0, seconds: 0, paths: {} };
  if (!queued.itemId) return { ...base, status: 'failed', error: queued.error ?? 'not queued' };
  const item = await getQueueItem(deps.pool, queued.itemId);
  if (!item) return { ...base, status: 'failed', error: 'the item is gone' };
  const calls = item.run_id ? await callsOfRun(deps.pool, item.id, item.run_id) : [];
  const measured = {
    ...base,
    costUsd: calls.reduce((sum, call) => sum + (call.cost_usd ?? 0), 0),
    calls: calls.length,
    seconds: item.started_at && item.finished_at ? (item.finished_at.getTime() - item.started_at.getTime()) / 1000 : 0,
  };
  if (item.status !== 'completed' || !item.result?.data || !queued.domain.schema) {
    return { ...measured, status: item.status, error: item.error ?? (item.status === 'needs_review' ? 'waiting for a reviewer' : `ended ${item.status}`) };
  }
  const score = scoreDocument(queued.domain.schema.root, queued.document.gold, item.result.data);
  return { ...measured, status: 'completed', error: null, values: score.values, correct: score.correct, unscored: score.unscored, paths: Object.fromEntries(score.byPath) };
}

export async function runEval(deps: EvalDeps, dataset: Dataset, choice: EvalChoice, options: EvalOptions, say: (line: string) => void): Promise<EvalReport> {
  const started = performance.now();
  const domains = dataset.domains.filter((domain) => !options.domains || options.domains.includes(domain.id));
  const notes = new Map<string, string[]>(domains.map((domain) => [domain.id, [...domain.warnings]]));
  const queued: Queued[] = [];
  for (const domain of domains) {
    if (!domain.schema) {
      notes.get(domain.id)!.push(`schema refused: ${domain.schemaIssues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
      continue;
    }
    const budget = checkSchemaBudget(domain.schema.root);
    if (budget.length > 0) {
      notes.get(domain.id)!.push(`schema over the providers' budget: ${budget.map((issue) => issue.message).join('; ')}`);
      continue;
    }
    const documents = domain.documents.slice(0, options.limit ?? domain.documents.length);
    say(`${domain.id}: reading ${documents.length} document${documents.length === 1 ? '' : 's'}...`);
    for (const document of documents) queued.push(await queueDocument(deps, domain, document, dataset.root));
  }

  for (const entry of queued) {
    if (!entry.itemId) continue;
    try {
      await startExtraction(deps, entry.itemId, choice.config, choice.configurationId);
    } catch (error) {
      entry.error = `the run did not start: ${(error as Error).message}`;
      entry.itemId = undefined;
    }
  }
  await waitForAll(deps.pool, queued.flatMap((entry) => entry.itemId ?? []), say);

  const outcomes: DocumentOutcome[] = [];
  for (const entry of queued) outcomes.push(await outcomeOf(deps, entry));
  const reports: DomainReport[] = domains.map((domain) => {
    const own = outcomes.filter((outcome) => outcome.domain === domain.id);
    return {
      domain: domain.id,
      name: domain.name,
      ...figuresOf(own),
      notes: notes.get(domain.id) ?? [],
      failures: own.filter((outcome) => outcome.status !== 'completed').map((outcome) => ({ document: outcome.document, error: outcome.error ?? outcome.status })),
      paths: pathsOf(own),
    };
  });
  return {
    dataset: dataset.root,
    configuration: { id: choice.configurationId, name: choice.name, simulated: deps.simulated },
    domains: reports,
    overall: figuresOf(outcomes),
    wall_seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
}
