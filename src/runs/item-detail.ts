import type { Pool } from '../db/pool.ts';
import { toNumber } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import type { PipelineStage } from '../workflows/extraction-types.ts';

const PIPELINE: PipelineStage[] = ['parse', 'classify', 'extract', 'validate', 'review', 'finalise'];
/** The stages that call a model, and so the ones a retry can reuse instead of paying for again. */
const MODEL_STAGES = new Set<string>(['classify', 'extract', 'validate', 'review']);

interface LedgerRow {
  stage: string;
  step: number;
  model: string;
  provider: string;
  attempt: number;
  success: boolean;
  error: string | null;
  input_tokens: number;
  output_tokens: number;
  response_time_ms: number;
  cost_usd: string;
  temperature: string | null;
  simulated: boolean;
  created_at: Date;
}

/**
 * The contract's view of one item: its status, its current run's stages (from what each stage
 * stored and what the ledger recorded), the result, the run's usage and, when labelled, accuracy.
 */
export async function itemDetail(deps: { pool: Pool }, id: string) {
  const item = await getQueueItem(deps.pool, id);
  if (!item) return undefined;

  const runId = item.run_id;
  const [outputs, calls] = runId
    ? await Promise.all([
        deps.pool.query<{ stage: string; step: number; model: string | null }>(
          'SELECT stage, step, model FROM stage_outputs WHERE queue_item_id = $1 AND run_id = $2 ORDER BY id',
          [id, runId],
        ),
        deps.pool.query<LedgerRow>(
          `SELECT stage, step, model, provider, attempt, success, error, input_tokens, output_tokens, response_time_ms, cost_usd,
                  temperature, simulated, created_at
             FROM model_usage WHERE queue_item_id = $1 AND run_id = $2 ORDER BY id`,
          [id, runId],
        ),
      ])
    : [{ rows: [] }, { rows: [] as LedgerRow[] }];

  const stages = PIPELINE.map((stage) => {
    const stored = outputs.rows.filter((row) => row.stage === stage);
    const stageCalls = calls.rows.filter((row) => row.stage === stage);
    const done = stage === 'finalise' ? item.status === 'completed' : stored.length > 0;
    const current = item.current_stage === stage;
    const status = done
      ? 'completed'
      : current && item.status === 'failed'
        ? 'failed'
        : current && item.status === 'cancelled'
          ? 'cancelled'
          : current
            ? 'running'
            : 'pending';
    // Round 0 is the stage's first pass; later rounds are the orchestrator's re-extractions. Within
    // a round, the models tried before the one that answered are its fallback hops.
    const steps = [...new Set([...stored.map((row) => row.step), ...stageCalls.map((call) => call.step)])].sort((a, b) => a - b);
    const rounds = steps.map((step) => {
      const roundCalls = stageCalls.filter((call) => call.step === step);
      return {
        step,
        model: stored.find((row) => row.step === step)?.model ?? roundCalls.at(-1)?.model ?? null,
        attempts: roundCalls.length,
        models_tried: [...new Set(roundCalls.map((call) => call.model))],
      };
    });
    // A retry copies the earlier run's first-pass output into the new run without calling a model:
    // an output of this run with no call of this run behind it was reused.
    const reused = MODEL_STAGES.has(stage) && stored.some((row) => row.step === 0) && !stageCalls.some((call) => call.step === 0);
    return {
      stage,
      status,
      reused,
      model: rounds[0]?.model ?? null,
      attempts: stageCalls.length,
      models_tried: rounds[0]?.models_tried ?? [],
      rounds,
    };
  });

  const usage = {
    calls: calls.rows.length,
    failed_calls: calls.rows.filter((call) => !call.success).length,
    input_tokens: calls.rows.reduce((sum, call) => sum + call.input_tokens, 0),
    output_tokens: calls.rows.reduce((sum, call) => sum + call.output_tokens, 0),
    cost_usd: Number(calls.rows.reduce((sum, call) => sum + Number(call.cost_usd), 0).toFixed(8)),
    duration_ms: item.started_at ? (item.finished_at ?? new Date()).getTime() - item.started_at.getTime() : null,
  };

  return {
    id: item.id,
    status: item.status,
    schema: item.extraction_schema,
    document: {
      mime_type: item.document_mime_type,
      filename: item.document_filename,
      bytes: item.document_bytes,
      characters: item.document_text.length,
      preview: item.document_text.slice(0, 2000),
    },
    expected: item.expected,
    metadata: item.metadata,
    model_config: item.model_config,
    configuration_id: item.configuration_id,
    workflow_id: item.workflow_id,
    run_id: item.run_id,
    current_stage: item.current_stage,
    stages,
    result: item.result,
    usage,
    calls: calls.rows.map((call) => ({
      ...call,
      cost_usd: toNumber(call.cost_usd),
      temperature: toNumber(call.temperature),
      created_at: call.created_at.toISOString(),
    })),
    ...(item.accuracy === null ? {} : { accuracy: item.accuracy }),
    ...(item.error === null ? {} : { error: item.error }),
    simulated: item.simulated,
    created_at: item.created_at.toISOString(),
    updated_at: item.updated_at.toISOString(),
    started_at: item.started_at?.toISOString() ?? null,
    finished_at: item.finished_at?.toISOString() ?? null,
  };
}
