import type { SchemaIssue } from '../../contract/schema/schema-issues.ts';
import type { ObjectNode } from '../../contract/schema/schema-node.ts';
import { dataPathOf, subschemas } from './keyword-filter.ts';
import { openAiStrictSchema } from './openai-strict.ts';
import { reviewAnswerFormat } from './stage-answers.ts';
import type { JsonSchema } from './wire-json-schema.ts';

/**
 * Whether a schema fits the providers' structured-output limits, checked when the schema is given
 * (so `POST /queue` can answer 400 naming the path, instead of every run failing on a provider's
 * 400). The limits are OpenAI strict mode's, the only provider that documents hard size limits for
 * a schema it must enforce (see `openai-strict.ts`); Anthropic's lower limits only decide whether its
 * tool is strict (`anthropic-strict.ts`), and Gemini documents none. They are measured on the
 * largest answer Quarry asks for — the orchestrator's review, which carries the data plus its
 * confidences and disputes — after translation, so the wrapper's own properties count too.
 */

export const OPENAI_LIMITS = {
  properties: 5000,
  depth: 10,
  enumValues: 1000,
  stringLength: 120_000,
  largeEnumValues: 250,
  largeEnumLength: 15_000,
} as const;

export interface SchemaMeasure {
  /** Object properties in all. */
  properties: number;
  /** Nested object levels (the root object is level 1), and where the deepest object is. */
  depth: number;
  deepestPath: string;
  enumValues: number;
  /** Characters of property names, enum values and const values. */
  stringLength: number;
  /** Each enum with its data path, value count and total length, largest first. */
  enums: Array<{ path: string; values: number; length: number }>;
}

export function measureSchema(schema: JsonSchema): SchemaMeasure {
  const measure: SchemaMeasure = { properties: 0, depth: 0, deepestPath: '', enumValues: 0, stringLength: 0, enums: [] };
  const objectDepth = new Map<string, number>();
  for (const { schema: node, path } of subschemas(schema)) {
    const parentDepth = [...objectDepth.entries()].filter(([parent]) => path.startsWith(`${parent}/`)).reduce((deepest, [, depth]) => Math.max(deepest, depth), 0);
    if (node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'))) {
      const depth = parentDepth + 1;
      objectDepth.set(path, depth);
      if (depth > measure.depth) Object.assign(measure, { depth, deepestPath: dataPathOf(path) });
    }
    if (typeof node.properties === 'object' && node.properties !== null) {
      const names = Object.keys(node.properties);
      measure.properties += names.length;
      measure.stringLength += names.reduce((sum, name) => sum + name.length, 0);
    }
    if (Array.isArray(node.enum)) {
      const length = node.enum.reduce<number>((sum, value) => sum + String(value).length, 0);
      measure.enumValues += node.enum.length;
      measure.stringLength += length;
      measure.enums.push({ path: dataPathOf(path), values: node.enum.length, length });
    }
    if ('const' in node) measure.stringLength += String(node.const).length;
  }
  measure.enums.sort((a, b) => b.values - a.values);
  return measure;
}

/** The OpenAI strict-mode limits a translated schema exceeds, each with a path where it helps. */
export function openAiBudgetIssues(measure: SchemaMeasure): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const largest = (count: number) =>
    measure.enums
      .slice(0, count)
      .map((entry) => `${entry.path} (${entry.values})`)
      .join(', ');
  if (measure.properties > OPENAI_LIMITS.properties) {
    issues.push({ path: '', message: `the answer would have ${measure.properties} properties; OpenAI strict mode takes at most ${OPENAI_LIMITS.properties}` });
  }
  if (measure.depth > OPENAI_LIMITS.depth) {
    issues.push({ path: measure.deepestPath, message: `objects are nested ${measure.depth} levels deep in the answer (the answer adds one); OpenAI strict mode takes at most ${OPENAI_LIMITS.depth}` });
  }
  if (measure.enumValues > OPENAI_LIMITS.enumValues) {
    issues.push({ path: measure.enums[0]?.path ?? '', message: `the schema has ${measure.enumValues} enum values in all; OpenAI strict mode takes at most ${OPENAI_LIMITS.enumValues} (largest: ${largest(3)})` });
  }
  for (const entry of measure.enums) {
    if (entry.values > OPENAI_LIMITS.largeEnumValues && entry.length > OPENAI_LIMITS.largeEnumLength) {
      issues.push({ path: entry.path, message: `an enum of ${entry.values} values has ${entry.length} characters; above ${OPENAI_LIMITS.largeEnumValues} values OpenAI strict mode takes at most ${OPENAI_LIMITS.largeEnumLength}` });
    }
  }
  if (measure.stringLength > OPENAI_LIMITS.stringLength) {
    issues.push({ path: '', message: `property names and enum values add up to ${measure.stringLength} characters; OpenAI strict mode takes at most ${OPENAI_LIMITS.stringLength}` });
  }
  return issues;
}

/**
 * The budget check for a schema being defined: issues (paths are data paths of the schema, e.g.
 * `/line_items/*\/status`) when its answers would exceed OpenAI strict mode's limits; empty when it fits.
 */
export function checkSchemaBudget(root: ObjectNode): SchemaIssue[] {
  const answer = openAiStrictSchema(reviewAnswerFormat(root).schema);
  // Paths in the answer start with /data; a person gave the schema without it.
  return openAiBudgetIssues(measureSchema(answer)).map((issue) => ({ ...issue, path: issue.path.replace(/^\/data(?=\/|$)/, '') }));
}
