import type { ItemDetail, StageSummary } from '../contract/item-detail.ts';
import { isModelStage, RUN_STAGES } from '../contract/stages.ts';
import type { Pool } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import { callsOfRun } from '../db/run-calls.ts';
import { storedOutputsOfRun } from '../db/stage-outputs.ts';

/**
 * The contract's view of one item: its status, its current run's stages (from what each stage
 * stored and what the ledger recorded), the result, the run's usage and, when labelled, accuracy.
 */
export async function itemDetail(deps: { pool: Pool }, id: string): Promise<ItemDetail | undefined> {
  const item = await getQueueItem(deps.pool, id);
  if (!item) return undefined;

  const runId = item.run_id;
  const [stored, calls] = runId ? await Promise.all([storedOutputsOfRun(deps.pool, id, runId), callsOfRun(deps.pool, id, runId)]) : [[], []];

  const stages = RUN_STAGES.map((stage): StageSummary => {
    const stageStored = stored.filter((row) => row.stage === stage);
    const stageCalls = calls.filter((row) => row.stage === stage);
    const done = stage === 'finalise' ? item.status === 'completed' : stageStored.length > 0;
    const current = item.current_stage === stage;
    const status: StageSummary['status'] = done
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
    const steps = [...new Set([...stageStored.map((row) => row.step), ...stageCalls.map((call) => call.step)])].sort((a, b) => a - b);
    const rounds = steps.map((step) => {
      const roundCalls = stageCalls.filter((call) => call.step === step);
      return {
        step,
        model: stageStored.find((row) => row.step === step)?.model ?? roundCalls.at(-1)?.model ?? null,
        attempts: roundCalls.length,
        models_tried: [...new Set(roundCalls.map((call) => call.model))],
      };
    });
    // A retry copies the earlier run's first-pass output into the new run without calling a model:
    // an output of this run with no call of this run behind it was reused.
    const reused = isModelStage(stage) && stageStored.some((row) => row.step === 0) && !stageCalls.some((call) => call.step === 0);
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
    calls: calls.length,
    failed_calls: calls.filter((call) => !call.success).length,
    input_tokens: calls.reduce((sum, call) => sum + call.input_tokens, 0),
    output_tokens: calls.reduce((sum, call) => sum + call.output_tokens, 0),
    cost_usd: Number(calls.reduce((sum, call) => sum + (call.cost_usd ?? 0), 0).toFixed(8)),
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
    calls: calls.map((call) => ({
      ...call,
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
