import { ApplicationFailure } from '@temporalio/activity';
import { runForResult } from '../db/item-runs.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { valuesMatch } from '../domain/accuracy.ts';
import type { FieldValue } from '../domain/extraction-schema.ts';
import { FailureType } from '../workflows/failure-types.ts';

export interface ComposedField {
  value: FieldValue;
  confidence: number;
  model: string;
  validated: boolean;
  model_value?: FieldValue;
  corrected_by?: string;
}

/**
 * The item's result from a run's stage outputs: per field the orchestrator's final value, credited
 * to the latest extraction that proposed it (or to the orchestrator, when none did), and whether
 * that extraction's validator accepted it. `finalising` marks the item's stage as it reads (see runForResult).
 */
export async function composeResult(client: Pool | PoolClient, queueItemId: string, runId: string, simulated: boolean, options = { finalising: false }) {
  const item = await runForResult(client, queueItemId, runId, options);
  if (!item) throw ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);
  const schema = item.schema;
  const { classify: classified, extract: extractions, validate: validations, review: reviews } = item.outputs;
  const review = reviews.at(-1);
  if (!review) throw ApplicationFailure.nonRetryable('the run has no orchestrator review to finalise', FailureType.MissingStageOutput);

  const fields: Record<string, ComposedField> = Object.fromEntries(
    schema.fields.map((field) => {
      const chosen = review.fields[field.name] ?? { value: null, confidence: 0 };
      const source = [...extractions]
        .reverse()
        .find((extraction) => extraction.fields[field.name] && valuesMatch(field, extraction.fields[field.name]!.value, chosen.value));
      const verdict = source && validations.find((validation) => validation.step === source.step)?.verdicts[field.name];
      return [field.name, { value: chosen.value, confidence: chosen.confidence, model: source?.model ?? review.model, validated: verdict?.valid ?? false }];
    }),
  );
  return {
    schema,
    expected: item.expected,
    costUsd: item.costUsd,
    result: {
      document_type: classified.at(-1)?.document_type ?? null,
      document_type_confidence: classified.at(-1)?.confidence ?? null,
      fields,
      disputed: review.disputed,
      simulated,
    },
  };
}
