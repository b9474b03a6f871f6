import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Pool } from '../db/pool.ts';
import type { ExtractionSchema } from '../domain/extraction-schema.ts';
import {
  buildClassifyPrompt,
  buildExtractPrompt,
  buildReviewPrompt,
  buildValidatePrompt,
  type ReviewCandidate,
  type ReviewVerdicts,
} from '../pipeline/stage-prompts.ts';
import { DEFAULT_REASONING } from '../providers/reasoning.ts';
import { REASONING_LEVELS, type ModelStage, type ReasoningLevel } from '../providers/types.ts';
import type {
  ClassifyResult,
  ExtractCall,
  ExtractResult,
  ReviewResult,
  StageCall,
  ValidateResult,
} from '../workflows/extraction-types.ts';
import { callModel } from './model-call.ts';
import { readOutputs, runIdOf, storeOutput, type StoredExtraction, type StoredValidation } from './stage-outputs.ts';
import type { ActivityDependencies } from './dependencies.ts';

interface ItemForStage {
  text: string;
  schema: ExtractionSchema;
  configurationId: string | null;
  orchestratorPrompt: string;
  /** The stage's reasoning level from the run's configuration. */
  reasoning: ReasoningLevel;
}

/** Reads what a stage needs and marks the stage as the item's current one. */
async function beginStage(pool: Pool, queueItemId: string, stage: ModelStage): Promise<ItemForStage> {
  const result = await pool.query<{
    document_text: string;
    extraction_schema: ExtractionSchema;
    configuration_id: string | null;
    orchestrator_prompt: string | null;
    reasoning: string | null;
  }>(
    `UPDATE ai_extraction_queue SET current_stage = $2, status = 'running', updated_at = now()
      WHERE id = $1
      RETURNING document_text, extraction_schema, configuration_id, model_config->>'orchestrator_prompt' AS orchestrator_prompt,
                model_config->'reasoning'->>$2 AS reasoning`,
    [queueItemId, stage],
  );
  const row = result.rows[0];
  if (!row) throw ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, 'ItemMissing');
  return {
    text: row.document_text,
    schema: row.extraction_schema,
    configurationId: row.configuration_id,
    orchestratorPrompt: row.orchestrator_prompt ?? '',
    reasoning: (REASONING_LEVELS as readonly string[]).includes(row.reasoning ?? '') ? (row.reasoning as ReasoningLevel) : DEFAULT_REASONING,
  };
}

const attempt = () => Context.current().info.attempt;

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
      const answer = await callModel(deps, { ...common(call, item), prompt: buildClassifyPrompt({ document: item.text, schema: item.schema }) });
      await storeOutput(deps.pool, call.queueItemId, 'classify', call.step, call.model, answer);
      return { attempt: attempt(), documentType: answer.document_type, confidence: answer.confidence };
    },

    async extract(call: ExtractCall): Promise<ExtractResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'extract');
      const answer = await callModel(deps, {
        ...common(call, item),
        fields: call.onlyFields,
        prompt: buildExtractPrompt({ document: item.text, schema: item.schema, only_fields: call.onlyFields, round: call.step }),
      });
      await storeOutput(deps.pool, call.queueItemId, 'extract', call.step, call.model, answer);
      return { attempt: attempt(), fields: Object.keys(answer.fields) };
    },

    /** Judges the candidates that the extraction of the same step produced. */
    async validate(call: StageCall): Promise<ValidateResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'validate');
      const extractions = await readOutputs<StoredExtraction>(deps.pool, call.queueItemId, runIdOf(), 'extract');
      const candidate = extractions.find((extraction) => extraction.step === call.step);
      if (!candidate) throw ApplicationFailure.nonRetryable(`no extraction of step ${call.step} to validate`, 'MissingStageOutput');
      const answer = await callModel(deps, {
        ...common(call, item),
        fields: Object.keys(candidate.fields),
        prompt: buildValidatePrompt({ document: item.text, schema: item.schema, candidate: candidate.fields }),
      });
      await storeOutput(deps.pool, call.queueItemId, 'validate', call.step, call.model, answer);
      const invalid = Object.entries(answer.verdicts)
        .filter(([, verdict]) => !verdict.valid)
        .map(([name]) => name);
      return { attempt: attempt(), invalid };
    },

    /** The orchestrator sees every candidate of this run and every verdict on them. */
    async review(call: StageCall): Promise<ReviewResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'review');
      const runId = runIdOf();
      const [extractions, validations] = await Promise.all([
        readOutputs<StoredExtraction>(deps.pool, call.queueItemId, runId, 'extract'),
        readOutputs<StoredValidation>(deps.pool, call.queueItemId, runId, 'validate'),
      ]);
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
      });
      await storeOutput(deps.pool, call.queueItemId, 'review', call.step, call.model, answer);
      return { attempt: attempt(), disputed: answer.disputed.filter((name) => !reextracted.includes(name)) };
    },
  };
}

