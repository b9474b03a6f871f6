import { correctionPointer, isPointerWithin } from '../contract/schema/json-pointer.ts';
import { valueLeaves } from '../contract/schema/leaves.ts';
import type { ObjectNode } from '../contract/schema/schema-node.ts';
import type { ComposedField } from './compose-result.ts';

/**
 * The result's per-value facts after a reviewer's corrections: a value they set (or a row they
 * added) says who corrected it and what the model said; a value they left keeps the model's facts;
 * a row they removed is gone.
 */
export function correctedFields(
  root: ObjectNode,
  fields: Record<string, ComposedField>,
  corrected: unknown,
  corrections: Record<string, unknown>,
  reviewer: string,
): Record<string, ComposedField> {
  const set = Object.keys(corrections).map(correctionPointer);
  const out: Record<string, ComposedField> = {};
  for (const leaf of valueLeaves(root, corrected)) {
    const before = fields[leaf.pointer];
    const touched = set.some((pointer) => isPointerWithin(leaf.pointer, pointer));
    if (before && !touched) {
      out[leaf.pointer] = before;
      continue;
    }
    out[leaf.pointer] = before
      ? { ...before, value: leaf.value ?? null, model_value: before.value, corrected_by: reviewer }
      : { value: leaf.value ?? null, confidence: 1, validated: true, model_value: null, corrected_by: reviewer };
  }
  return out;
}
