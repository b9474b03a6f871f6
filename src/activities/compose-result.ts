import { ApplicationFailure } from '@temporalio/activity';
import { itemTruth } from '../db/item-runs.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { readOutputs } from '../db/stage-outputs.ts';
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
 * that extraction's validator accepted it.
 */
export async function composeResult(client: Pool | PoolClient, queueItemId: string, runId: string, simulated: boolean) {
  const item = await itemTruth(client, queueItemId);
  if (!item) throw ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);
  const schema = item.extraction_schema;
  // One after another: `client` may be a transaction's single connection.
  const classified = await readOutputs(client, queueItemId, runId, 'classify');
  const extractions = await readOutputs(client, queueItemId, runId, 'extract');
  const validations = await readOutputs(client, queueItemId, runId, 'validate');
  const reviews = await readOutputs(client, queueItemId, runId, 'review');
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
    result: {
      document_type: classified.at(-1)?.document_type ?? null,
      document_type_confidence: classified.at(-1)?.confidence ?? null,
      fields,
      disputed: review.disputed,
      simulated,
    },
  };
}
