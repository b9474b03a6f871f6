import { ApplicationFailure, Context } from '@temporalio/activity';
import { correctionPointer, isPointerWithin } from '../contract/schema/json-pointer.ts';
import { evaluateRules, type RuleFailure } from '../contract/schema/validation-rules.ts';
import type { ModelStage } from '../contract/stages.ts';
import { storeChunkOutput } from '../db/chunk-outputs.ts';
import { getDocument } from '../db/documents.ts';
import { beginStage as beginItemStage, type ItemForStage } from '../db/item-runs.ts';
import { chunkText } from '../documents/chunks/document-chunks.ts';
import type { Pool } from '../db/pool.ts';
import { buildClassifyPrompt, buildExtractPrompt, buildReviewPrompt, buildValidatePrompt, type ReviewCandidate, type ReviewVerdicts, type StoredExtraction, type StoredReview, type StoredValidation } from '../pipeline/stage-prompts.ts';
import type { ReviewedData, ValidationVerdicts } from '../pipeline/stage-answers.ts';
import { disputedSubSchema } from '../pipeline/structured-output/disputed-paths.ts';
import type { ClassifyResult, ExtractCall, ExtractResult, ReviewResult, StageCall, ValidateResult } from '../workflows/extraction-types.ts';
import { FailureType } from '../workflows/failure-types.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { documentForModel } from './document-input.ts';
import { documentPageTexts, valuePagesOf } from './document-chunks.ts';
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

/** A classification's output is its answer as it came. */
const keep = <A>(answer: A): A => answer;

/**
 * The validator's verdicts with the schema's validation rules applied to the same data: every value a
 * failed rule read is invalid, with the rule as the reason (a rule whose values are missing or
 * unreadable is not failed; the values' own verdicts speak for them).
 */
function withRuleVerdicts(verdicts: Record<string, { valid: boolean; reason: string }>, failures: readonly RuleFailure[]) {
  const out = { ...verdicts };
  for (const failure of failures) {
    for (const pointer of failure.pointers) out[pointer] = { valid: false, reason: `rule ${failure.rule + 1}: ${failure.message}` };
  }
  return out;
}

/** The paths a re-extraction asks for; a run scheduled before schemas nested named fields instead. */
function onlyPathsOf(call: ExtractCall): string[] | undefined {
  return call.onlyPaths ?? call.onlyFields?.map(correctionPointer);
}

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
  });

  /**
   * One chunk of a long document (`planChunks`): the model reads only the chunk's pages, told that
   * it sees a part, and its answer is kept apart until `mergeChunks`. Page images are not sent: a
   * chunked document is longer than image input allows.
   */
  const extractChunk = async (call: ExtractCall, chunk: NonNullable<ExtractCall['chunk']>, item: ItemForStage): Promise<ExtractResult> => {
    const pages = await documentPageTexts(deps.pool, item, { from: chunk.firstPage, to: chunk.lastPage });
    const onlyPaths = onlyPathsOf(call);
    const total = item.documentId ? ((await getDocument(deps.pool, item.documentId))?.page_count ?? chunk.lastPage) : 1;
    const answer = await callModel(deps, {
      ...common(call, item),
      prompt: buildExtractPrompt({
        document: chunkText(pages, chunk),
        schema: item.schema,
        only_paths: onlyPaths,
        round: call.step,
        part: { first_page: chunk.firstPage, last_page: chunk.lastPage, pages: total },
      }),
    });
    await storeChunkOutput(deps.pool, { queueItemId: call.queueItemId, runId: runIdOf(), step: call.step, model: call.model }, chunk, answer);
    return { attempt: attempt(), values: Object.keys(answer.confidence).length };
  };

  return {
    async classify(call: StageCall): Promise<ClassifyResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'classify');
      const { document, images } = await documentForModel(deps, item, call.model);
      const answer = await callModel(deps, { ...common(call, item), images, prompt: buildClassifyPrompt({ document, schema: item.schema }), output: keep });
      return { attempt: attempt(), documentType: answer.document_type, confidence: answer.confidence };
    },

    /** The whole schema, or (a re-extraction) only the disputed paths, widened to what can be re-read. */
    async extract(call: ExtractCall): Promise<ExtractResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'extract');
      if (call.chunk) return extractChunk(call, call.chunk, item);
      const onlyPaths = onlyPathsOf(call);
      const paths = onlyPaths && disputedSubSchema(item.schema.root, onlyPaths).paths;
      const { document, images } = await documentForModel(deps, item, call.model);
      const answer = await callModel(deps, {
        ...common(call, item),
        images,
        prompt: buildExtractPrompt({ document, schema: item.schema, only_paths: onlyPaths, round: call.step }),
        output: (answer): StoredExtraction => ({ ...answer, ...(paths ? { paths } : {}) }),
      });
      return { attempt: attempt(), values: Object.keys(answer.confidence).length };
    },

    /** Judges, value by value, the extraction that the same step produced. */
    async validate(call: StageCall): Promise<ValidateResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'validate', ['extract']);
      const candidate = item.outputs.extract.find((extraction) => extraction.step === call.step);
      if (!candidate) throw ApplicationFailure.nonRetryable(`no extraction of step ${call.step} to validate`, FailureType.MissingStageOutput);
      const ruleFailures = evaluateRules(item.schema.rules, candidate.data).failures;
      const withRules = (answer: ValidationVerdicts): StoredValidation => ({ ...answer, verdicts: withRuleVerdicts(answer.verdicts, ruleFailures), rule_failures: ruleFailures });
      const { document, images } = await documentForModel(deps, item, call.model);
      const answer = await callModel(deps, {
        ...common(call, item),
        images,
        prompt: buildValidatePrompt({ document, schema: item.schema, candidate: candidate.data, paths: candidate.paths, value_pages: valuePagesOf(candidate) }),
        output: withRules,
      });
      return { attempt: attempt(), invalid: Object.values(withRules(answer).verdicts).filter((verdict) => !verdict.valid).length };
    },

    /**
     * The orchestrator sees every extraction of this run and every verdict on them, and answers the
     * final data and the paths it disputes. Disputed values inside a list widen to the list (rows
     * have no identity across models); a path already re-extracted is not sent back again.
     */
    async review(call: StageCall): Promise<ReviewResult> {
      const item = await beginStage(deps.pool, call.queueItemId, 'review', ['extract', 'validate']);
      const { extract: extractions, validate: validations } = item.outputs;
      const candidates: ReviewCandidate[] = extractions.map((extraction) => ({
        model: extraction.model,
        round: extraction.step,
        paths: extraction.paths,
        data: extraction.data,
        confidence: extraction.confidence,
        value_pages: valuePagesOf(extraction),
      }));
      const verdicts: ReviewVerdicts[] = validations.flatMap((validation) => {
        const index = extractions.findIndex((extraction) => extraction.step === validation.step);
        return index < 0 ? [] : [{ candidate: index, validator: validation.model, verdicts: validation.verdicts }];
      });
      const reextracted = [...new Set(extractions.filter((extraction) => extraction.step > 0).flatMap((extraction) => extraction.paths ?? []))];
      // A rule the final data breaks disputes every value it read, as if the orchestrator had.
      const storedReview = (answer: ReviewedData): StoredReview => {
        const ruleFailures = evaluateRules(item.schema.rules, answer.data).failures;
        const disputed = disputedSubSchema(item.schema.root, [...answer.disputed, ...ruleFailures.flatMap((failure) => failure.pointers)]).paths;
        return { ...answer, disputed, rule_failures: ruleFailures };
      };
      const { document, images } = await documentForModel(deps, item, call.model);
      const answer = await callModel(deps, {
        ...common(call, item),
        images,
        prompt: buildReviewPrompt({
          document,
          schema: item.schema,
          orchestrator_prompt: item.orchestratorPrompt,
          candidates,
          verdicts,
          reextracted,
        }),
        output: storedReview,
      });
      const disputed = storedReview(answer).disputed;
      return { attempt: attempt(), disputed: disputed.filter((path) => !reextracted.some((done) => isPointerWithin(path, done))) };
    },
  };
}
