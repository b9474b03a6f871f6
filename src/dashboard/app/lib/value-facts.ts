import type { ExtractedField } from '../../../contract/item-detail.ts';
import { getAt, isPointerWithin } from '../../../contract/schema/json-pointer.ts';
import type { Entry } from './schema-entries.ts';

/**
 * What the result says about one line of the fields table: a value's own facts, or a list's facts
 * gathered from its values (the lowest confidence, validated only when every value is).
 */
export function factsOf(fields: Record<string, ExtractedField> | undefined, data: unknown, entry: Entry): ExtractedField | undefined {
  const own = fields?.[entry.pointer];
  if (own || entry.kind === 'leaf') return own;
  const inside = Object.entries(fields ?? {})
    .filter(([pointer]) => isPointerWithin(pointer, entry.pointer))
    .map(([, facts]) => facts);
  const value = getAt(data, entry.pointer);
  if (inside.length === 0) return value === undefined ? undefined : { value };
  const confidences = inside.map((facts) => facts.confidence).filter((confidence): confidence is number => typeof confidence === 'number');
  const corrected = inside.find((facts) => facts.corrected_by);
  return {
    value,
    ...(confidences.length ? { confidence: Math.min(...confidences) } : {}),
    validated: inside.every((facts) => facts.validated === true),
    ...(inside[0]?.model ? { model: inside[0].model } : {}),
    ...(corrected ? { corrected_by: corrected.corrected_by, model_value: '(see the values)' } : {}),
  };
}

/** A cell's facts as a tooltip: confidence, model, validation, correction. */
export function factsTitle(facts: ExtractedField | undefined): string | undefined {
  if (!facts) return undefined;
  const parts = [
    typeof facts.confidence === 'number' ? `confidence ${Math.round(facts.confidence * 100)} %` : '',
    facts.model ?? '',
    facts.validated === false ? 'not validated' : facts.validated ? 'validated' : '',
    facts.corrected_by ? `corrected by ${facts.corrected_by}; model said ${JSON.stringify(facts.model_value ?? null)}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}
