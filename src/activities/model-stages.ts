import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ModelStage } from '../contract/stages.ts';
import { beginStage as beginItemStage, type ItemForStage } from '../db/item-runs.ts';
import type { Pool } from '../db/pool.ts';
import { buildClassifyPrompt, buildExtractPrompt, buildReviewPrompt, buildValidatePrompt, type ReviewCandidate, type ReviewVerdicts } from '../pipeline/stage-prompts.ts';
import type { ClassifyResult, ExtractCall, ExtractResult, ReviewResult, StageCall, ValidateResult } from '../workflows/extraction-types.ts';
import { FailureType } from '../workflows/failure-types.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { callModel } from './model-call.ts';
import { runIdOf } from './workflow-execution.ts';

/**
 * Reads what a stage needs (with this run's outputs of the stages in `reads`) and marks the stage as
 * the item's current one, in one round trip; the call's ledger row and the stage's output are
 * another (`output` of callModel).
 */
async function beginStage(pool: Pool, queueItemId: string, stage: ModelStage, reads: readonly ModelStage[] = []): Promise<ItemForStage> {
  const item = await beginItemStage(pool, queueItemId, stage, { runId: runIdOf(), reads });
  if (!item) throw ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);
  return item;
}

const attempt = () => Context.current().info.attempt;

/** A stage's output is its answer as it came. */
const keep = <A>(answer: A): A => answer;

/** The four stages that call a model, each an activity named after its stage. */
export function createModelStages(deps: ActivityDependencies) {
  const common = (call: StageCall, item: ItemForStage) => ({
    queueItemId: call.queueItemId,
    configurationId: item.configurationId,
    modelId: call.model,
    temperature: call.temperature,
    reasoning: item.reasoning,
    callTimeoutMs: call.callTimeoutMs,
    step: call.step,
    maxCostUsd: call.maxCostUsd,
    schema: item.schema,
  });

  return {
    async classify(call: StageCall): Promise<ClassifyResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'classify');
      const answer = await callModel(deps, { ...common(call, item), prompt: buildClassifyPrompt({ document: item.text, schema: item.schema }), output: keep });
      return { attempt: attempt(), documentType: answer.document_type, confidence: answer.confidence };
    },

    async extract(call: ExtractCall): Promise<ExtractResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'extract');
      const answer = await callModel(deps, {
        ...common(call, item),
        fields: call.onlyFields,
        prompt: buildExtractPrompt({ document: item.text, schema: item.schema, only_fields: call.onlyFields, round: call.step }),
        output: keep,
      });
      return { attempt: attempt(), fields: Object.keys(answer.fields) };
    },

    /** Judges the candidates that the extraction of the same step produced. */
    async validate(call: StageCall): Promise<ValidateResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'validate', ['extract']);
      const candidate = item.outputs.extract.find((extraction) => extraction.step === call.step);
      if (!candidate) throw ApplicationFailure.nonRetryable(`no extraction of step ${call.step} to validate`, FailureType.MissingStageOutput);
      const answer = await callModel(deps, {
        ...common(call, item),
        fields: Object.keys(candidate.fields),
        prompt: buildValidatePrompt({ document: item.text, schema: item.schema, candidate: candidate.fields }),
        output: keep,
      });
      const invalid = Object.entries(answer.verdicts)
        .filter(([, verdict]) => !verdict.valid)
        .map(([name]) => name);
      return { attempt: attempt(), invalid };
    },

    /** The orchestrator sees every candidate of this run and every verdict on them. */
    async review(call: StageCall): Promise<ReviewResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'review', ['extract', 'validate']);
      const { extract: extractions, validate: validations } = item.outputs;
      const candidates: ReviewCandidate[] = extractions.map((extraction) => ({ model: extraction.model, fields: extraction.fields }));
      const verdicts: ReviewVerdicts[] = validations.flatMap((validation) => {
        const index = extractions.findIndex((extraction) => extraction.step === validation.step);
        return index < 0 ? [] : [{ candidate: index, validator: validation.model, verdicts: validation.verdicts }];
      });
      const reextracted = extractions.filter((extraction) => extraction.step > 0).flatMap((extraction) => Object.keys(extraction.fields));
      const answer = await callModel(deps, {
        ...common(call, item),
        prompt: buildReviewPrompt({
          document: item.text,
          schema: item.schema,
          orchestrator_prompt: item.orchestratorPrompt,
          candidates,
          verdicts,
          reextracted,
        }),
        output: keep,
      });
      return { attempt: attempt(), disputed: answer.disputed.filter((name) => !reextracted.includes(name)) };
    },
  };
}

