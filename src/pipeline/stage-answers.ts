import { z } from 'zod';
import type { ModelStage } from '../contract/stages.ts';
import type { RuleFailure } from '../contract/schema/validation-rules.ts';
import { StageAnswerError, type AnswerFormat, type ExtractedData, type ReviewedData, type ValidationVerdicts } from './structured-output/stage-answers.ts';
import { ProviderCallError, type CallUsage } from '../providers/types.ts';

/**
 * What each model stage answers, in data terms. The answer formats of the stages that read the
 * schema (extract, validate, review) are built from it by `structured-output/stage-answers.ts`;
 * classify's is fixed. A stage's stored output is its answer, plus what the activity adds (the paths
 * a re-extraction covered, the validation rules that failed).
 */

export type { ExtractedData, ReviewedData, ValidationVerdicts };

export interface ClassifyAnswer {
  document_type: string;
  confidence: number;
}

export interface StageAnswers {
  classify: ClassifyAnswer;
  extract: ExtractedData;
  validate: ValidationVerdicts;
  review: ReviewedData;
}

/** What the activities store for each stage. */
export interface StoredExtraction extends ExtractedData {
  /** A re-extraction's widened disputed paths: its `data` holds only these. */
  paths?: string[];
}
export interface StoredValidation extends ValidationVerdicts {
  rule_failures: RuleFailure[];
}
export interface StoredReview extends ReviewedData {
  rule_failures: RuleFailure[];
}

const confidenceZod = z.number().min(0).max(1);
const ClassifyAnswerSchema = z.strictObject({ document_type: z.string().min(1).max(200), confidence: confidenceZod });

export const CLASSIFY_RESPONSE_SCHEMA = {
  type: 'object',
  properties: { document_type: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['document_type', 'confidence'],
  additionalProperties: false,
} as const;

export const classifyAnswerFormat: AnswerFormat<ClassifyAnswer> = {
  name: 'classification',
  schema: CLASSIFY_RESPONSE_SCHEMA,
  read(answer) {
    const parsed = ClassifyAnswerSchema.safeParse(answer);
    if (parsed.success) return parsed.data;
    throw new ClassifyAnswerError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`));
  },
};

export class ClassifyAnswerError extends Error {
  override name = 'ClassifyAnswerError';
  constructor(readonly problems: string[]) {
    super(`the classify answer does not match its schema: ${problems.slice(0, 5).join('; ')}`);
  }
}

/**
 * Reads a model's parsed answer with the stage's format. A wrong answer is a retryable
 * `malformed_output` naming the first problems; `usage` keeps the call's billed tokens on the error.
 */
export function readStageAnswer<T>(
  stage: ModelStage,
  format: AnswerFormat<T>,
  answer: unknown,
  options: { usage?: CallUsage | undefined; latencyMs?: number | undefined } = {},
): T {
  try {
    return format.read(answer);
  } catch (error) {
    if (!(error instanceof StageAnswerError) && !(error instanceof ClassifyAnswerError)) throw error;
    throw new ProviderCallError(error.message, { kind: 'malformed_output', retryable: true, usage: options.usage, latencyMs: options.latencyMs ?? 0, cause: error });
  }
}

export { StageAnswerError };
export type { AnswerFormat };
