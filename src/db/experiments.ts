import type { ModelConfig } from '../contract/model-config.ts';
import type { ExperimentRunRef } from '../workflows/experiment-types.ts';
import type { Pool, PoolClient } from './pool.ts';
import { toNumber } from './pool.ts';

import type { ExperimentStatus } from '../contract/experiments.ts';

export type { ExperimentStatus };

export interface ExperimentArm {
  arm: number;
  name: string;
  configuration_id: string;
  config: ModelConfig;
}

export interface ExperimentRow {
  id: string;
  name: string;
  status: ExperimentStatus;
  arms: ExperimentArm[];
  source_item_ids: string[];
  concurrency: number;
  max_cost_usd: number | null;
  workflow_id: string;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export const experimentWorkflowIdFor = (experimentId: string) => `experiment-${experimentId}`;

/**
 * Creates an experiment and its runs: one copy of every source item per arm (same document, schema
 * and expected values, metadata naming the experiment, source and arm), numbered so that the runs
 * are started item by item with the arms interleaved — a budget stop or a cancellation then leaves
 * complete pairs, and no arm gets all the early (or late) slots.
 */
export async function insertExperiment(
  client: PoolClient,
  experiment: { id: string; name: string; arms: ExperimentArm[]; sourceItemIds: string[]; concurrency: number; maxCostUsd: number | null },
): Promise<number> {
  await client.query(
    `INSERT INTO experiments (id, name, arms, source_item_ids, concurrency, max_cost_usd, workflow_id)
     VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7)`,
    [
      experiment.id,
      experiment.name,
      JSON.stringify(experiment.arms),
      experiment.sourceItemIds,
      experiment.concurrency,
      experiment.maxCostUsd,
      experimentWorkflowIdFor(experiment.id),
    ],
  );
  const planned = await client.query(
    `WITH plan AS MATERIALIZED (
       SELECT gen_random_uuid() AS copy_id, s.id AS source_id, a.arm, a.configuration_id, a.config,
              ((o.n - 1) * $3 + a.arm)::int AS position, s.document_id, s.document_text, s.document_mime_type, s.document_filename,
              s.document_bytes, s.extraction_schema, s.expected
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, n)
         JOIN ai_extraction_queue s ON s.id = o.id
         CROSS JOIN jsonb_to_recordset($4::jsonb) AS a(arm int, configuration_id uuid, config jsonb)
     ),
     copies AS (
       INSERT INTO ai_extraction_queue (id, document_id, document_text, document_mime_type, document_filename, document_bytes,
                                        extraction_schema, expected, metadata, model_config, configuration_id)
       SELECT copy_id, document_id, document_text, document_mime_type, document_filename, document_bytes, extraction_schema, expected,
              jsonb_build_object('experiment_id', $1::uuid, 'source_item_id', source_id, 'arm', arm),
              config || jsonb_build_object('configuration_id', configuration_id), configuration_id
         FROM plan
       RETURNING id
     )
     INSERT INTO experiment_runs (experiment_id, position, arm, source_item_id, item_id)
     SELECT $1::uuid, position, arm, source_id, copy_id FROM plan`,
    [experiment.id, experiment.sourceItemIds, experiment.arms.length, JSON.stringify(experiment.arms)],
  );
  return planned.rowCount ?? 0;
}

const EXPERIMENT_COLUMNS = `id, name, status, arms, source_item_ids, concurrency, max_cost_usd, workflow_id, error, created_at, finished_at`;

function experimentOf(row: Record<string, unknown>): ExperimentRow {
  return { ...(row as unknown as ExperimentRow), max_cost_usd: toNumber(row.max_cost_usd) };
}

export async function getExperiment(client: Pool | PoolClient, id: string): Promise<ExperimentRow | undefined> {
  const result = await client.query(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE id = $1`, [id]);
  return result.rows[0] ? experimentOf(result.rows[0]) : undefined;
}

export async function listExperiments(pool: Pool, limit = 100): Promise<ExperimentRow[]> {
  const result = await pool.query(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
  return result.rows.map(experimentOf);
}

/** A page of an experiment's runs in start order, from `fromPosition` on. */
export async function experimentRunsPage(pool: Pool, experimentId: string, fromPosition: number, limit: number): Promise<ExperimentRunRef[]> {
  const result = await pool.query<{ position: number; arm: number; item_id: string }>(
    `SELECT position, arm, item_id FROM experiment_runs WHERE experiment_id = $1 AND position >= $2 ORDER BY position LIMIT $3`,
    [experimentId, fromPosition, limit],
  );
  return result.rows.map((row) => ({ position: row.position, arm: row.arm, itemId: row.item_id }));
}

/** What the experiment's runs have spent so far, from the ledger, and how many have finished. */
export async function experimentSpend(pool: Pool, experimentId: string): Promise<{ spentUsd: number; finishedRuns: number }> {
  const result = await pool.query<{ spent: string | null; finished: string }>(
    `SELECT (SELECT sum(u.cost_usd) FROM experiment_runs r JOIN model_usage u ON u.queue_item_id = r.item_id WHERE r.experiment_id = $1) AS spent,
            (SELECT count(*) FROM experiment_runs r JOIN ai_extraction_queue q ON q.id = r.item_id
              WHERE r.experiment_id = $1 AND q.status IN ('completed', 'failed', 'cancelled')) AS finished`,
    [experimentId],
  );
  return { spentUsd: toNumber(result.rows[0]?.spent) ?? 0, finishedRuns: toNumber(result.rows[0]?.finished) ?? 0 };
}

/**
 * Closes an experiment. Runs that were never started (after a budget stop or a cancellation) are
 * marked cancelled, so no copy is left pending.
 */
export async function finishExperiment(pool: Pool, experimentId: string, status: ExperimentStatus, error: string | null): Promise<void> {
  await pool.query(
    `UPDATE ai_extraction_queue q SET status = 'cancelled', error = $2, finished_at = now(), updated_at = now()
       FROM experiment_runs r
      WHERE r.experiment_id = $1 AND q.id = r.item_id AND q.status = 'pending'`,
    [experimentId, `experiment ${status.replace('_', ' ')} before this run started`],
  );
  await pool.query(`UPDATE experiments SET status = $2, error = $3, finished_at = now() WHERE id = $1 AND status = 'running'`, [
    experimentId,
    status,
    error,
  ]);
}

export interface ExperimentRunFacts {
  position: number;
  arm: number;
  source_item_id: string;
  item_id: string;
  status: string;
  labelled: boolean;
  accuracy: number | null;
  cost_usd: number;
  duration_ms: number | null;
}

/** Per run of an experiment: its item's status and accuracy, what it cost (ledger) and how long it took. */
export async function experimentRunFacts(pool: Pool, experimentId: string): Promise<ExperimentRunFacts[]> {
  const result = await pool.query(
    `SELECT r.position, r.arm, r.source_item_id, r.item_id, q.status, q.expected IS NOT NULL AS labelled, q.accuracy,
            coalesce((SELECT sum(u.cost_usd) FROM model_usage u WHERE u.queue_item_id = r.item_id), 0) AS cost_usd,
            (SELECT c.duration_ms FROM configuration_runs c WHERE c.run_id = q.run_id) AS duration_ms
       FROM experiment_runs r JOIN ai_extraction_queue q ON q.id = r.item_id
      WHERE r.experiment_id = $1
      ORDER BY r.position`,
    [experimentId],
  );
  return result.rows.map((row: Record<string, unknown>) => ({
    position: row.position as number,
    arm: row.arm as number,
    source_item_id: row.source_item_id as string,
    item_id: row.item_id as string,
    status: row.status as string,
    labelled: row.labelled as boolean,
    accuracy: toNumber(row.accuracy),
    cost_usd: toNumber(row.cost_usd) ?? 0,
    duration_ms: toNumber(row.duration_ms),
  }));
}
