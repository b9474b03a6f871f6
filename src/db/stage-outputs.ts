import { z } from 'zod';
import type { ModelStage } from '../contract/stages.ts';
import type { Pool, PoolClient } from './pool.ts';
import { parseFirst, parseRows } from './rows.ts';
import { stripNul } from './strip-nul.ts';

/*
 * What each stage of a run produced lives in stage_outputs, keyed by item, run, stage and step: later
 * stages read it by id instead of receiving it through the workflow's history. The answers were
 * checked against their stage's schema before they were stored; here the parts that readers use are
 * parsed again as they leave the database, and anything else in them passes through. Values are
 * named by JSON Pointers into the stage's `data` (plain JSON of the schema's shape); outputs stored
 * before schemas nested were rewritten into this form by migration 1764103000000.
 */

const Confidences = z.record(z.string(), z.number());
const RuleFailures = z.array(z.looseObject({ rule: z.number(), message: z.string(), pointers: z.array(z.string()) }));

export const STAGE_OUTPUT_SCHEMAS = {
  classify: z.looseObject({ document_type: z.string(), confidence: z.number() }),
  /** `paths`: a re-extraction's disputed paths; its `data` holds only those. */
  extract: z.looseObject({
    data: z.unknown(),
    confidence: Confidences,
    paths: z.array(z.string()).optional(),
    /** A long document's extraction, merged from chunks: each chunk's pages, and the chunk of each value. */
    chunks: z.looseObject({ pages: z.array(z.tuple([z.number(), z.number()])), of: z.record(z.string(), z.number()) }).optional(),
  }),
  validate: z.looseObject({
    verdicts: z.record(z.string(), z.looseObject({ valid: z.boolean(), reason: z.string() })),
    rule_failures: RuleFailures.optional(),
  }),
  review: z.looseObject({ data: z.unknown(), confidence: Confidences, disputed: z.array(z.string()), rule_failures: RuleFailures.optional() }),
} satisfies Record<ModelStage, z.ZodType>;

type OutputOf<S extends ModelStage> = z.infer<(typeof STAGE_OUTPUT_SCHEMAS)[S]>;
export type StageOutput<S extends ModelStage> = OutputOf<S> & { step: number; model: string };

/** Parses a stored output of `stage`, naming where it came from when it does not match. */
function parseOutput<S extends ModelStage>(stage: S, output: unknown, query: string): OutputOf<S> {
  return parseRows(STAGE_OUTPUT_SCHEMAS[stage], [output], `${query}(${stage})`)[0] as OutputOf<S>;
}

const StoredRowSchema = z.object({ step: z.number(), model: z.string(), output: z.unknown() });

export interface OutputKey {
  queueItemId: string;
  runId: string;
  stage: string;
  step: number;
}

/**
 * The statement that keeps a stage's output by (item, run, stage, step), a retried attempt replacing
 * its predecessor's, with its six parameters numbered from `$first`: for `storeOutput`, and for
 * statements that keep an output together with what it came with (a ledger row, an item's ending).
 */
export function storeOutputSql(first: number): string {
  const [item, run, stage, step, model, output] = Array.from({ length: 6 }, (_, n) => `$${first + n}`);
  return `INSERT INTO stage_outputs (queue_item_id, run_id, stage, step, model, output) VALUES (${item}, ${run}, ${stage}, ${step}, ${model}, ${output})
     ON CONFLICT (queue_item_id, run_id, stage, step) DO UPDATE SET model = EXCLUDED.model, output = EXCLUDED.output, created_at = now()`;
}

/** The parameters of `storeOutputSql`. JSONB cannot hold NUL, which a model's answer may: it is dropped from every string. */
export function storeOutputValues(key: OutputKey, model: string | null, output: unknown): unknown[] {
  const json = JSON.stringify(output, (_, value: unknown) => (typeof value === 'string' ? stripNul(value) : value));
  return [key.queueItemId, key.runId, key.stage, key.step, model, json];
}

/** Keeps a stage's output by (item, run, stage, step); a retried attempt replaces its predecessor's. */
export async function storeOutput(client: Pool | PoolClient, key: OutputKey, model: string | null, output: unknown): Promise<void> {
  await client.query(storeOutputSql(1), storeOutputValues(key, model, output));
}

/**
 * A scalar subquery for a statement that reads a run's stored outputs of the stages `$stages` (a
 * text[]) together with something else: a JSON array of {stage, step, model, output}, which
 * `parseRunOutputs` reads.
 */
export function runOutputsJsonSql(item: string, run: string, stages: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('stage', o.stage, 'step', o.step, 'model', o.model, 'output', o.output) ORDER BY o.stage, o.step), '[]')
             FROM stage_outputs o WHERE o.queue_item_id = ${item} AND o.run_id = ${run} AND o.stage = ANY(${stages}::text[]))`;
}

export type RunOutputs = { [S in ModelStage]: Array<StageOutput<S>> };

const StoredStageRowSchema = z.object({ stage: z.enum(['classify', 'extract', 'validate', 'review']), step: z.number(), model: z.string(), output: z.unknown() });

/** The outputs a `runOutputsJsonSql` subquery read, by stage, each stage's by step. */
export function parseRunOutputs(rows: unknown, query: string): RunOutputs {
  const outputs: RunOutputs = { classify: [], extract: [], validate: [], review: [] };
  for (const row of parseRows(StoredStageRowSchema, Array.isArray(rows) ? rows : [rows], query)) {
    (outputs[row.stage] as unknown[]).push({ ...parseOutput(row.stage, row.output, query), step: row.step, model: row.model });
  }
  return outputs;
}

const CopiedRowSchema = StoredRowSchema.omit({ step: true });

/**
 * Copies the first-pass output of `stage` from an earlier run of the item into `toRunId`, and returns
 * it; undefined when that run has none.
 */
export async function copyFirstPassOutput<S extends ModelStage>(
  client: PoolClient,
  queueItemId: string,
  fromRunId: string,
  toRunId: string,
  stage: S,
): Promise<{ model: string; output: OutputOf<S> } | undefined> {
  const copied = await client.query(
    `INSERT INTO stage_outputs (queue_item_id, run_id, stage, step, model, output)
     SELECT queue_item_id, $3, stage, step, model, output FROM stage_outputs
      WHERE queue_item_id = $1 AND run_id = $2 AND stage = $4 AND step = 0
     ON CONFLICT (queue_item_id, run_id, stage, step) DO UPDATE SET model = EXCLUDED.model, output = EXCLUDED.output
     RETURNING model, output`,
    [queueItemId, fromRunId, toRunId, stage],
  );
  const row = parseFirst(CopiedRowSchema, copied.rows, 'copyFirstPassOutput');
  return row && { model: row.model, output: parseOutput(stage, row.output, 'copyFirstPassOutput') };
}

const StoredOutputRowSchema = z.object({ stage: z.string(), step: z.number(), model: z.string().nullable() });

/** What a run stored, stage by stage, in the order it was stored (the item's stage timeline). */
export async function storedOutputsOfRun(pool: Pool, queueItemId: string, runId: string): Promise<Array<{ stage: string; step: number; model: string | null }>> {
  const result = await pool.query('SELECT stage, step, model FROM stage_outputs WHERE queue_item_id = $1 AND run_id = $2 ORDER BY id', [queueItemId, runId]);
  return parseRows(StoredOutputRowSchema, result.rows, 'storedOutputsOfRun');
}

const StageRowSchema = z.object({ stage: z.string() });

/** The stages a run finished a first pass of (step 0). */
export async function firstPassStages(pool: Pool, queueItemId: string, runId: string): Promise<Set<string>> {
  const result = await pool.query('SELECT DISTINCT stage FROM stage_outputs WHERE queue_item_id = $1 AND run_id = $2 AND step = 0', [queueItemId, runId]);
  return new Set(parseRows(StageRowSchema, result.rows, 'firstPassStages').map((row) => row.stage));
}
