import type { ObjectNode } from '../../contract/schema/schema-node.ts';
import { wirePointersOf } from '../../pipeline/structured-output/answer-size.ts';
import type { CatalogModel } from '../types.ts';
import { hashUnit } from './seeded-random.ts';

/*
 * What every simulated stage shares: the model, its accuracy at this temperature and the document
 * it draws its choices from, and how confidences are made and written.
 */

/** A prompt the simulator cannot read: it answers 400, so a malformed pipeline prompt shows at once. */
export class UnreadablePromptError extends Error {
  override name = 'UnreadablePromptError';
}

/** Accuracy after temperature: sampling hotter makes a model slightly less exact. */
export function effectiveAccuracy(model: CatalogModel, temperature: number): number {
  const clamped = Math.min(Math.max(temperature, 0), 2);
  return model.simulated_profile.accuracy * (1 - 0.1 * clamped);
}

export interface Context {
  model: CatalogModel;
  accuracy: number;
  document: string;
  documentKey: string;
}

export function draw(context: Context, ...parts: ReadonlyArray<string | number>): number {
  return hashUnit(context.model.id, context.documentKey, ...parts);
}

/** A value's key in the draws: its pointer without the leading "/", so a flat field's is its name. */
export const drawKey = (pointer: string) => pointer.slice(1);

/** Confidence that is higher for right answers on average, with overlap, as real models' is. */
export function confidence(right: boolean, unit: number): number {
  const value = right ? 0.7 + 0.29 * unit : 0.35 + 0.5 * unit;
  return Math.round(value * 100) / 100;
}

/** Confidences by data pointer as an answer lists them: a default, and the others by wire pointer. */
export function confidenceAnswer(root: ObjectNode, data: unknown, byPointer: ReadonlyMap<string, number>) {
  const wire = wirePointersOf(root, data);
  const values = [...byPointer.values()].sort((a, b) => a - b);
  const typical = values[Math.floor(values.length / 2)] ?? 0.5;
  const listed = [...byPointer.entries()]
    .filter(([, value]) => value !== typical)
    .map(([pointer, value]) => ({ pointer: wire.get(pointer) ?? pointer, confidence: value }));
  return { default_confidence: typical, confidence: listed };
}

