import { z } from 'zod';
import type { Pool } from './pool.ts';
import { nullableNumeric, numeric, parseRows } from './rows.ts';

/**
 * Labelled runs on one document with the same model on every stage, summed: what pairing needs of
 * them. (Pairs compare one stage's models with the document and the other stages' models fixed, so
 * runs that share all of these can be added up first.)
 */
export interface EvidenceGroup {
  /** The same document, schema and ground truth give the same key: runs on it can be paired. */
  documentKey: string;
  /** Orders the pairs, newest first: minus the finish time (epoch seconds) of the group's newest run. */
  first: number;
  runs: number;
  /** Sum of the runs' accuracies. */
  accuracy: number;
  /** Per stage served: the model that answered it first (its primary round), and the runs' summed cost and latency there. */
  stages: Record<string, { model: string; costUsd: number; latencyMs: number }>;
}

export interface LabelledEvidence {
  /** Labelled completed runs drawn (the newest, up to the limit). */
  runs: number;
  /** Per stage, every model that served it in those runs. */
  served: Record<string, string[]>;
  /** The groups of documents run under more than one combination of models: the only ones that can pair. */
  groups: EvidenceGroup[];
}

/** Groups travel as jsonb with one-letter keys (thousands of them cross to Node): see the query. */
const EvidenceRowSchema = z.object({
  runs: numeric,
  served: z.array(z.array(z.string())),
  groups: z
    .array(
      z.object({
        d: z.string(),
        f: numeric,
        n: numeric,
        a: numeric,
        m: z.array(z.string().nullable()),
        c: z.array(nullableNumeric),
        l: z.array(nullableNumeric),
      }),
    )
    .nullable(),
});

/** The order of the stage arrays of configuration_runs (migrations/1764101000000_run-stage-facts.sql). */
const STAGE_ORDER = ['classify', 'extract', 'validate', 'review'] as const;

/**
 * The labelled, completed runs finished since `since` (the newest `limit`), reduced in SQL to what
 * cost recommendations pair: runs grouped by document and the model of every stage, with sums, for
 * the documents that were run under more than one combination of models, plus the models that served
 * each stage. A run's stage facts are those recorded when it finished (computed from the ledger for a
 * run recorded before they were). The runs come from an index-only scan; what crosses to Node grows
 * with the pairable runs, not with all of them.
 */
export async function labelledEvidence(pool: Pool, since: Date, limit: number): Promise<LabelledEvidence> {
  const facts = (column: 'stage_models' | 'stage_costs_usd' | 'stage_latencies_ms', field: 'models' | 'costs_usd' | 'latencies_ms') =>
    `coalesce(r.${column}, (SELECT ${field} FROM run_stage_facts(r.run_id)))`;
  const result = await pool.query(
    `WITH runs AS (
       SELECT r.accuracy, r.finished_at, q.document_key, ${facts('stage_models', 'models')} AS models,
              ${facts('stage_costs_usd', 'costs_usd')} AS costs, ${facts('stage_latencies_ms', 'latencies_ms')} AS latencies
         FROM (SELECT run_id, accuracy, queue_item_id, finished_at, stage_models, stage_costs_usd, stage_latencies_ms
                 FROM configuration_runs
                WHERE status = 'completed' AND accuracy IS NOT NULL AND finished_at >= $1
                ORDER BY finished_at DESC LIMIT $2) r
         JOIN ai_extraction_queue q ON q.id = r.queue_item_id
     ),
     -- The runs summed per document and combination of models: everything below reads these.
     combinations AS MATERIALIZED (
       SELECT document_key, models, max(finished_at) AS newest, count(*) AS runs, sum(accuracy) AS accuracy,
              ARRAY[sum(costs[1]), sum(costs[2]), sum(costs[3]), sum(costs[4])] AS costs,
              ARRAY[sum(latencies[1]), sum(latencies[2]), sum(latencies[3]), sum(latencies[4])] AS latencies
         FROM runs GROUP BY document_key, models
     )
     SELECT (SELECT coalesce(sum(runs), 0) FROM combinations) AS runs,
            (SELECT jsonb_agg((SELECT coalesce(jsonb_agg(DISTINCT models[i]) FILTER (WHERE models[i] IS NOT NULL), '[]') FROM combinations) ORDER BY i)
               FROM generate_series(1, 4) AS i) AS served,
            (SELECT jsonb_agg(jsonb_build_object('d', document_key, 'f', -extract(epoch FROM newest), 'n', runs, 'a', accuracy, 'm', models, 'c', costs, 'l', latencies))
               FROM (SELECT *, count(*) OVER (PARTITION BY document_key) AS per_document FROM combinations) c
              WHERE per_document > 1) AS groups`,
    [since.toISOString(), limit],
  );
  const row = parseRows(EvidenceRowSchema, result.rows, 'labelledEvidence')[0]!;
  return {
    runs: row.runs,
    served: Object.fromEntries(STAGE_ORDER.map((stage, i) => [stage, row.served[i] ?? []])),
    groups: (row.groups ?? []).map((group) => ({
      documentKey: group.d,
      first: group.f,
      runs: group.n,
      accuracy: group.a,
      stages: Object.fromEntries(
        STAGE_ORDER.flatMap((stage, i) => {
          const model = group.m[i];
          return model ? [[stage, { model, costUsd: group.c[i] ?? 0, latencyMs: group.l[i] ?? 0 }]] : [];
        }),
      ),
    })),
  };
}
