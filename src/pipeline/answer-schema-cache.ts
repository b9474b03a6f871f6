import type { z } from 'zod';
import type { ModelStage } from '../contract/stages.ts';
import type { ExtractionSchema } from '../domain/extraction-schema.ts';

/** Distinct (stage, schema, fields) answer schemas kept; a deployment uses a handful of extraction schemas. */
const MAX_ENTRIES = 500;

const cache = new Map<string, z.ZodType>();

/**
 * The zod schema a stage's answer is checked against, built once per stage, extraction schema and
 * field subset rather than for every answer: building one (and zod's compiling of its parser on first
 * use) costs far more than checking an answer with it, and zod schemas are immutable, so one serves
 * every call. The extraction schema arrives parsed afresh from each stage's row, so the key is its
 * JSON. The oldest entry goes when the cache is full.
 */
export function cachedAnswerSchema(stage: ModelStage, schema: ExtractionSchema, fields: readonly string[] | undefined, build: () => z.ZodType): z.ZodType {
  const key = JSON.stringify([stage, schema, fields ?? null]);
  let answerSchema = cache.get(key);
  if (answerSchema) {
    // Most recently used last, so the first key is the one to drop.
    cache.delete(key);
  } else {
    answerSchema = build();
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, answerSchema);
  return answerSchema;
}
