import { ApplicationFailure } from '@temporalio/activity';
import { compareLeafValues } from '../contract/schema/field-value.ts';
import { getAt, isPointerWithin } from '../contract/schema/json-pointer.ts';
import { valueLeaves } from '../contract/schema/leaves.ts';
import { evaluateRules, type RuleFailure } from '../contract/schema/validation-rules.ts';
import { runForResult } from '../db/item-runs.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import type { ValueSourceView } from '../contract/item-detail.ts';
import { FailureType } from '../workflows/failure-types.ts';
import { NOT_FOUND_CONFIDENCE_FACTOR, valueSources } from './value-sources.ts';

export interface ComposedField {
  value: unknown;
  confidence: number;
  /** Absent for a value a reviewer added. */
  model?: string;
  validated: boolean;
  model_value?: unknown;
  corrected_by?: string;
  /** Where the value is written in the document (value-sources.ts); null for a value never written as such. */
  source?: ValueSourceView | null;
  /** The chunk of a long document the value was read from. */
  chunk?: { index: number; count: number; first_page: number; last_page: number };
}

/** The entry of the most specific pointer that covers `pointer` (itself, or a row or list it is in). */
function covering<T>(entries: Record<string, T>, pointer: string): T | undefined {
  if (pointer in entries) return entries[pointer];
  let best: string | undefined;
  for (const candidate of Object.keys(entries)) {
    if (isPointerWithin(pointer, candidate) && (best === undefined || candidate.length > best.length)) best = candidate;
  }
  return best === undefined ? undefined : entries[best];
}

/**
 * The item's result from a run's stage outputs: `data`, the orchestrator's final document, and per
 * value (by JSON Pointer) its confidence, the model of the latest extraction that gave the same value
 * at the same place (the orchestrator's, when none did), and whether it is validated — that
 * extraction's validator accepted it and no validation rule of the schema fails on it — and where
 * it is written in the document, looked up by Quarry in the stored pages (preferring the pages of
 * the chunk it was read from). A value not found there keeps only part of its confidence. The run's
 * outputs, the item's truth and the run's cost come in one statement; `finalising` marks the item's
 * stage in it (see runForResult).
 */
export async function composeResult(client: Pool | PoolClient, queueItemId: string, runId: string, simulated: boolean, options = { finalising: false }) {
  const item = await runForResult(client, queueItemId, runId, options);
  if (!item) throw ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);
  const schema = item.schema;
  const { classify: classified, extract: extractions, validate: validations, review: reviews } = item.outputs;
  const review = reviews.at(-1);
  if (!review) throw ApplicationFailure.nonRetryable('the run has no orchestrator review to finalise', FailureType.MissingStageOutput);

  const data = (review.data ?? {}) as Record<string, unknown>;
  const ruleFailures: RuleFailure[] = evaluateRules(schema.rules, data).failures;
  const brokenByRule = new Set(ruleFailures.flatMap((failure) => failure.pointers));
  const fields: Record<string, ComposedField> = {};
  const sources = await valueSources(client, queueItemId);
  for (const leaf of valueLeaves(schema.root, data)) {
    const source = [...extractions].reverse().find((extraction) => {
      const proposed = getAt(extraction.data, leaf.pointer);
      return proposed !== undefined && compareLeafValues(leaf.node, proposed, leaf.value).correct;
    });
    const verdict = source && covering(validations.find((validation) => validation.step === source.step)?.verdicts ?? {}, leaf.pointer);
    const chunks = source?.chunks;
    const chunkIndex = chunks?.of[leaf.pointer];
    const pages = chunkIndex === undefined ? undefined : chunks?.pages[chunkIndex];
    const where = sources.locate(leaf.value, pages);
    const confidence = covering(review.confidence, leaf.pointer) ?? 0;
    fields[leaf.pointer] = {
      value: leaf.value ?? null,
      confidence: where?.match === 'not_found' ? Number((confidence * NOT_FOUND_CONFIDENCE_FACTOR).toFixed(4)) : confidence,
      model: source?.model ?? review.model,
      validated: (verdict?.valid ?? false) && !brokenByRule.has(leaf.pointer),
      source: where,
      ...(chunks && pages && chunkIndex !== undefined ? { chunk: { index: chunkIndex, count: chunks.pages.length, first_page: pages[0], last_page: pages[1] } } : {}),
    };
  }
  return {
    schema,
    sources,
    expected: item.expected,
    costUsd: item.costUsd,
    result: {
      document_type: classified.at(-1)?.document_type ?? null,
      document_type_confidence: classified.at(-1)?.confidence ?? null,
      data,
      fields,
      disputed: review.disputed,
      rule_failures: ruleFailures,
      simulated,
    },
  };
}
