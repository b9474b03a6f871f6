import { z } from 'zod';
import type { ModelStage } from '../contract/stages.ts';
import type { ExtractionField, ExtractionSchema, FieldValue } from '../domain/extraction-schema.ts';
import { ProviderCallError, type CallUsage } from '../providers/types.ts';
import { cachedAnswerSchema } from './answer-schema-cache.ts';
import { fieldValueZod } from './field-value-schema.ts';

/**
 * What each model stage must answer, as types and as the zod schemas answers are checked against;
 * `validateStageAnswer` does that check for a caller that only kept the stage's name. The JSON
 * Schemas sent to the providers are built beside the prompts (`stage-prompts.ts`).
 */

export interface ExtractedField {
  value: FieldValue;
  confidence: number;
}
export type ExtractedFields = Record<string, ExtractedField>;

export interface FieldVerdict {
  valid: boolean;
  reason: string;
}
export type FieldVerdicts = Record<string, FieldVerdict>;

export interface ClassifyAnswer {
  document_type: string;
  confidence: number;
}
export interface ExtractAnswer {
  fields: ExtractedFields;
}
export interface ValidateAnswer {
  verdicts: FieldVerdicts;
}
export interface ReviewAnswer {
  fields: ExtractedFields;
  disputed: string[];
}

export interface StageAnswers {
  classify: ClassifyAnswer;
  extract: ExtractAnswer;
  validate: ValidateAnswer;
  review: ReviewAnswer;
}

const confidenceZod = z.number().min(0).max(1);

/** The schema's fields restricted to `names` (in schema order); unknown names are ignored. */
export function selectFields(schema: ExtractionSchema, names?: readonly string[]): ExtractionField[] {
  if (!names) return schema.fields;
  const wanted = new Set(names);
  return schema.fields.filter((field) => wanted.has(field.name));
}

function extractedFieldsZod(fields: readonly ExtractionField[]): z.ZodType<ExtractedFields> {
  return z.strictObject(
    Object.fromEntries(
      fields.map((field) => [field.name, z.strictObject({ value: fieldValueZod(field), confidence: confidenceZod })]),
    ),
  ) as unknown as z.ZodType<ExtractedFields>;
}

export function classifyAnswerSchema(): z.ZodType<ClassifyAnswer> {
  return z.strictObject({ document_type: z.string().min(1).max(200), confidence: confidenceZod });
}

export function extractAnswerSchema(schema: ExtractionSchema, onlyFields?: readonly string[]): z.ZodType<ExtractAnswer> {
  return z.strictObject({ fields: extractedFieldsZod(selectFields(schema, onlyFields)) });
}

export function validateAnswerSchema(schema: ExtractionSchema, fieldNames: readonly string[]): z.ZodType<ValidateAnswer> {
  const fields = selectFields(schema, fieldNames);
  return z.strictObject({
    verdicts: z.strictObject(
      Object.fromEntries(fields.map((field) => [field.name, z.strictObject({ valid: z.boolean(), reason: z.string() })])),
    ) as unknown as z.ZodType<FieldVerdicts>,
  });
}

export function reviewAnswerSchema(schema: ExtractionSchema): z.ZodType<ReviewAnswer> {
  const names = schema.fields.map((field) => field.name);
  return z.strictObject({
    fields: extractedFieldsZod(schema.fields),
    disputed: z.array(z.string().refine((name) => names.includes(name), 'a field of the schema')),
  });
}

function answerSchemaFor(stage: ModelStage, schema: ExtractionSchema, fields?: readonly string[]): z.ZodType {
  switch (stage) {
    case 'classify':
      return classifyAnswerSchema();
    case 'extract':
      return extractAnswerSchema(schema, fields);
    case 'validate':
      return validateAnswerSchema(schema, fields ?? schema.fields.map((field) => field.name));
    case 'review':
      return reviewAnswerSchema(schema);
  }
}

/**
 * Checks a model's parsed answer for `stage` and returns it typed. `fields` is the subset the call
 * asked about (extract's `only_fields`, the fields a validator judged); all of the schema's otherwise.
 * A wrong answer is a retryable `malformed_output` naming the first problems; `usage` keeps the call's
 * billed tokens on the error.
 */
export function validateStageAnswer<S extends ModelStage>(
  stage: S,
  answer: unknown,
  schema: ExtractionSchema,
  options: {
    fields?: readonly string[] | undefined;
    usage?: CallUsage | undefined;
    latencyMs?: number | undefined;
  } = {},
): StageAnswers[S] {
  const parsed = cachedAnswerSchema(stage, schema, options.fields, () => answerSchemaFor(stage, schema, options.fields)).safeParse(answer);
  if (parsed.success) return parsed.data as StageAnswers[S];
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(answer)'}: ${issue.message}`);
  const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
  throw new ProviderCallError(`the ${stage} answer does not match its schema: ${problems.join('; ')}${more}`, {
    kind: 'malformed_output',
    retryable: true,
    usage: options.usage,
    latencyMs: options.latencyMs ?? 0,
  });
}
