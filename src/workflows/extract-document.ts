import { ApplicationFailure, CancellationScope, isCancellation } from '@temporalio/workflow';
import { modelStagesBefore, type ChainStage } from '../contract/stages.ts';
import { documentReading } from './activity-proxies.ts';
import type { ExtractionInput, FinaliseResult, FitResult, ReusedStages, StageCall } from './extraction-types.ts';
import { extractsInChunks, extractWithModel } from './chunked-extraction.ts';
import { describeFailure, nextModels, runChain } from './fallback-chain.ts';
import { FailureType } from './failure-types.ts';
import { HumanReview } from './human-review.ts';
import { RunProgress } from './progress.ts';
import { reportingToParent } from './report-to-parent.ts';
import { runBookkeeping, type RunBookkeeping } from './run-bookkeeping.ts';
import { runPatches, type RunPatches } from './run-patches.ts';

/** The chains the parse stage leaves, and the extract models that need no chunk plan. */
interface ParsedChains {
  chains: Record<ChainStage, string[]>;
  extractWhole: readonly string[];
}

/** What every stage call of the run carries; each call adds its model. */
type CallBase = Omit<StageCall, 'model'>;

/**
 * One queue item's extraction: parse → classify → extract → validate → orchestrator review →
 * (human review) → finalise. Each model stage walks its configured fallback chain (fallback-chain.ts);
 * the item fails only when a chain is exhausted. The orchestrator may send disputed paths back for
 * another extraction by the next model of the extract chain, a bounded number of times. A resumed
 * run reuses the stored outputs of the stages before the one it resumes from. Only ids and small
 * summaries cross into the history; documents and model outputs stay in PostgreSQL.
 */
export async function extractDocument(input: ExtractionInput): Promise<FinaliseResult> {
  const patches = runPatches();
  return reportingToParent(patches, input.queueItemId, () => runExtraction(patches, input));
}

async function runExtraction(patches: RunPatches, input: ExtractionInput): Promise<FinaliseResult> {
  const { queueItemId, policy } = input;
  const bookkeeping = runBookkeeping(patches);
  const progress = new RunProgress(queueItemId);
  const humanReview = new HumanReview(bookkeeping);
  const runStartedAt = Date.now();
  try {
    progress.setStatus('running');
    const { chains, extractWhole } = await parse(patches, bookkeeping, progress, input);
    const reused: ReusedStages = input.resume
      ? await bookkeeping.reuseStageOutputs({ queueItemId, fromRunId: input.resume.fromRunId, stages: modelStagesBefore(input.resume.fromStage) })
      : {};
    const call: CallBase = { queueItemId, temperature: input.temperature, callTimeoutMs: policy.callTimeoutMs, maxCostUsd: input.maxCostUsd, step: 0 };

    if (reused.classify) progress.reuseStage('classify', reused.classify.model);
    else await runChain(progress, progress.startStage('classify'), chains.classify, policy, (activities, model) => activities.classify({ ...call, model }));

    await extractUntilSettled(patches, progress, input, { chains, extractWhole }, reused, call);

    const decision = input.review ? await humanReview.decide(progress, queueItemId, input.review) : undefined;

    const entry = progress.startStage('finalise');
    const outcome = await bookkeeping.finalise({ queueItemId, configurationId: input.configurationId, durationMs: Date.now() - runStartedAt, review: decision });
    progress.finishStage(entry, 'completed');
    progress.setStatus('completed');
    progress.say(`Completed${outcome.accuracy === null ? '' : `, accuracy ${(outcome.accuracy * 100).toFixed(1)}%`}`);
    return outcome;
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(async () => {
        await bookkeeping.markCancelled({ queueItemId });
        progress.setStatus('cancelled');
      });
      throw error;
    }
    const message = describeFailure(error);
    progress.fail(message);
    await bookkeeping.markFailed({ queueItemId, configurationId: input.configurationId, error: message, durationMs: Date.now() - runStartedAt });
    progress.setStatus('failed');
    progress.say(`Failed: ${message}`);
    throw ApplicationFailure.create({ type: FailureType.ExtractionFailed, nonRetryable: true, message, cause: error as Error });
  }
}

/**
 * Runs begun before this change took their document's text from intake and called the `parse`
 * activity; runs begun after it read the uploaded document first. The marker keeps both replaying.
 */
const READS_DOCUMENT = 'read-document-in-workflow';

/**
 * The parse stage: reads the uploaded document (marking the item running) and drops from each chain
 * the models whose context window the document does not fit (calling them would only fail, and
 * cost a request). A document that needs no reader (a text, or one read before) is read in place,
 * with the fit, in one local activity; any other goes to the documents task queue's readers. A chain
 * left empty fails the run at once with `DocumentTooLarge`; a document that cannot be read fails it
 * with the reason. A folded run also learns which extract models take the document whole.
 */
async function parse(patches: RunPatches, bookkeeping: RunBookkeeping, progress: RunProgress, input: ExtractionInput): Promise<ParsedChains> {
  const entry = progress.startStage('parse');
  const queueItemId = input.queueItemId;
  const models = [...new Set([...Object.values(input.chains).flat(), input.orchestratorModel])];
  let parsed: FitResult;
  if (patches.has(READS_DOCUMENT)) {
    const extractModels = input.chains.extract;
    const inPlace = patches.folded ? await bookkeeping.parseInPlace({ queueItemId, models, extractModels }) : null;
    if (inPlace) {
      progress.documentRead(inPlace.read);
      parsed = inPlace.fit;
    } else {
      const read = await documentReading().readDocument({ queueItemId });
      progress.documentRead(read);
      parsed = await bookkeeping.fitModels({ queueItemId, models, read, ...(patches.folded ? { extractModels } : {}) });
    }
  } else {
    parsed = await bookkeeping.parse({ queueItemId, models });
  }
  progress.finishStage(entry, 'completed');
  const fits = (chain: string[]) => chain.filter((model) => !parsed.tooLargeFor.includes(model));
  // A model the document does not fit still extracts it, in chunks (chunked-extraction.ts).
  const chains = { classify: fits(input.chains.classify), extract: extractsInChunks(patches) ? input.chains.extract : fits(input.chains.extract), validate: fits(input.chains.validate) };
  const orchestratorFits = !parsed.tooLargeFor.includes(input.orchestratorModel);
  for (const [stage, chain] of Object.entries({ ...chains, review: orchestratorFits ? [input.orchestratorModel] : [] })) {
    if (chain.length === 0) {
      throw ApplicationFailure.create({
        type: FailureType.DocumentTooLarge,
        nonRetryable: true,
        message: `the document (about ${parsed.estimatedTokens} tokens) fits the context window of no model of the ${stage} chain`,
      });
    }
  }
  return { chains, extractWhole: parsed.extractWhole ?? [] };
}

/**
 * Extract → validate → orchestrator review, then again for the paths the orchestrator disputes,
 * each round with the next model of the extract chain, until nothing is disputed, the rounds are
 * spent or no other model is left. Round 0 may come from an earlier run (a resumed retry).
 */
async function extractUntilSettled(patches: RunPatches, progress: RunProgress, input: ExtractionInput, parsed: ParsedChains, reused: ReusedStages, call: CallBase) {
  const { chains, extractWhole } = parsed;
  const { policy } = input;
  let step = 0;
  let onlyPaths: string[] | undefined;
  let extractChain = chains.extract;
  let validateChain = chains.validate;
  for (;;) {
    const fromEarlierRun = step === 0 ? reused : {};
    let extractedBy: string;
    if (fromEarlierRun.extract) {
      extractedBy = fromEarlierRun.extract.model;
      progress.reuseStage('extract', extractedBy);
    } else {
      try {
        const extracted = await runChain(progress, progress.startStage('extract', step), extractChain, policy, (activities, model) =>
          extractWithModel(patches, extractWhole, activities, { ...call, model, step, ...(onlyPaths ? { onlyPaths } : {}) }),
        );
        extractedBy = extracted.model;
      } catch (error) {
        // A re-extraction only tries to improve disputed values: when no model of its chain can do
        // it (failures, or the budget), the orchestrator's earlier review stands.
        if (step === 0 || isCancellation(error)) throw error;
        return;
      }
    }

    let validatedBy: string;
    if (fromEarlierRun.validate) {
      validatedBy = fromEarlierRun.validate.model;
      progress.reuseStage('validate', validatedBy);
    } else {
      const validated = await runChain(progress, progress.startStage('validate', step), validateChain, policy, (activities, model) =>
        activities.validate({ ...call, model, step }),
      );
      validatedBy = validated.model;
    }
    // The validator that answered stays first for later rounds.
    validateChain = [validatedBy, ...validateChain.filter((model) => model !== validatedBy)];

    let disputed: string[];
    if (fromEarlierRun.review) {
      disputed = fromEarlierRun.review.disputed;
      progress.reuseStage('review', fromEarlierRun.review.model);
    } else {
      const reviewed = await runChain(progress, progress.startStage('review', step), [input.orchestratorModel], policy, (activities, model) =>
        activities.review({ ...call, model, step }),
      );
      disputed = reviewed.result.disputed;
    }

    const next = nextModels(extractChain, extractedBy);
    if (disputed.length === 0 || step >= policy.maxReextractionRounds || next.length === 0) return;
    step += 1;
    onlyPaths = disputed;
    extractChain = next;
  }
}
