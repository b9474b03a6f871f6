import { z } from 'zod';
import { isModelStage } from '../../contract/stages.ts';
import { ExtractionSchemaSchema, type ExtractionField, type ExtractionSchema, type FieldValue } from '../../domain/extraction-schema.ts';
import { fieldValueZod } from '../../pipeline/field-value-schema.ts';
import { parseSections, readJsonSection, readTextSection } from '../../pipeline/prompt-sections.ts';
import type { CatalogModel, ModelStage } from '../types.ts';
import { findFieldText, normaliseLabel, readFieldValue, readLabelledLines, sameFieldValue, type LabelledLine } from './document-reader.ts';
import { fingerprint, hashUnit } from './seeded-random.ts';
import { wrongValue } from './wrong-values.ts';

/**
 * A simulated model: it reads the stage's prompt sections back, works out the right answer from the
 * document, and then errs as often as the catalog model's `simulated_profile` says. Every draw is
 * seeded by what it concerns (model, document, field, task, round), so the same call always gets the
 * same answer and accuracy differences between models are stable across runs.
 */

export interface SimulationInput {
  model: CatalogModel;
  system: string;
  prompt: string;
  temperature: number;
}

export interface Simulation {
  task: ModelStage;
  answer: Record<string, unknown>;
  /** How many fields (or one, for classify) the answer covers; drives the output token count. */
  items: number;
}

/** A prompt the simulator cannot read: it answers 400, so a malformed pipeline prompt shows at once. */
export class UnreadablePromptError extends Error {
  override name = 'UnreadablePromptError';
}

const CandidateFieldsSchema = z.record(z.string(), z.object({ value: z.unknown(), confidence: z.number().catch(0) }).catch({ value: null, confidence: 0 }));
const ReviewCandidatesSchema = z.array(z.object({ candidate: z.number().int().optional(), model: z.string().catch('?'), fields: CandidateFieldsSchema }));
const ReviewVerdictsSchema = z.array(
  z.object({
    candidate: z.number().int(),
    validator: z.string().catch('?'),
    verdicts: z.record(z.string(), z.object({ valid: z.boolean(), reason: z.string().catch('') })),
  }),
);

/** Accuracy after temperature: sampling hotter makes a model slightly less exact. */
export function effectiveAccuracy(model: CatalogModel, temperature: number): number {
  const clamped = Math.min(Math.max(temperature, 0), 2);
  return model.simulated_profile.accuracy * (1 - 0.1 * clamped);
}

interface Context {
  model: CatalogModel;
  accuracy: number;
  document: string;
  documentKey: string;
  lines: LabelledLine[];
}

export function simulateAnswer(input: SimulationInput): Simulation {
  const sections = parseSections(input.prompt);
  const named = readTextSection(sections, 'task')?.trim();
  if (!named || !isModelStage(named)) {
    throw new UnreadablePromptError(`the prompt has no <task> the simulator knows (got ${JSON.stringify(named ?? null)})`);
  }
  const task = named;
  const document = readTextSection(sections, 'document') ?? '';
  const context: Context = {
    model: input.model,
    accuracy: effectiveAccuracy(input.model, input.temperature),
    document,
    documentKey: fingerprint(document),
    lines: readLabelledLines(document),
  };
  if (task === 'classify') return { task, answer: classify(context), items: 1 };

  const schemaParse = ExtractionSchemaSchema.safeParse(readJsonSection(sections, 'schema'));
  if (!schemaParse.success) throw new UnreadablePromptError(`the <schema> section is not an extraction schema`);
  const schema = schemaParse.data;

  switch (task) {
    case 'extract': {
      const only = z.array(z.string()).safeParse(readJsonSection(sections, 'only_fields'));
      const fields = only.success ? schema.fields.filter((field) => only.data.includes(field.name)) : schema.fields;
      const round = Number(readTextSection(sections, 'round') ?? '0') || 0;
      return { task, answer: { fields: extract(context, fields, round) }, items: fields.length };
    }
    case 'validate': {
      const candidates = CandidateFieldsSchema.safeParse(readJsonSection(sections, 'candidates'));
      if (!candidates.success) throw new UnreadablePromptError('the <candidates> section is not a set of fields');
      const verdicts = validate(context, schema, candidates.data);
      return { task, answer: { verdicts }, items: Object.keys(verdicts).length };
    }
    case 'review': {
      const candidates = ReviewCandidatesSchema.safeParse(readJsonSection(sections, 'candidates'));
      const verdicts = ReviewVerdictsSchema.safeParse(readJsonSection(sections, 'verdicts'));
      const reextracted = z.array(z.string()).catch([]).parse(readJsonSection(sections, 'reextracted') ?? []);
      if (!candidates.success || !verdicts.success) {
        throw new UnreadablePromptError('the <candidates> or <verdicts> section of the review is unreadable');
      }
      return {
        task,
        answer: review(context, schema, candidates.data, verdicts.data, reextracted),
        items: schema.fields.length,
      };
    }
  }
}

function draw(context: Context, ...parts: ReadonlyArray<string | number>): number {
  return hashUnit(context.model.id, context.documentKey, ...parts);
}

/** Confidence that is higher for right answers on average, with overlap, as real models' is. */
function confidence(right: boolean, unit: number): number {
  const value = right ? 0.7 + 0.29 * unit : 0.35 + 0.5 * unit;
  return Math.round(value * 100) / 100;
}

const KEYWORD_TYPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bpurchase order\b/i, 'purchase_order'],
  [/\bbank statement\b/i, 'bank_statement'],
  [/\binvoice\b/i, 'invoice'],
  [/\breceipt\b/i, 'receipt'],
  [/\b(contract|agreement)\b/i, 'contract'],
  [/\b(resume|curriculum vitae)\b/i, 'resume'],
  [/\bpayslip|pay stub\b/i, 'payslip'],
  [/\bletter\b/i, 'letter'],
];

function trueDocumentType(context: Context): string {
  const stated = findFieldText(context.lines, 'document_type') ?? findFieldText(context.lines, 'type');
  if (stated) return normaliseLabel(stated).replaceAll(' ', '_') || 'unknown';
  return KEYWORD_TYPES.find(([pattern]) => pattern.test(context.document))?.[1] ?? 'unknown';
}

function classify(context: Context): Record<string, unknown> {
  const truth = trueDocumentType(context);
  const right = draw(context, 'classify') < context.accuracy;
  const others = KEYWORD_TYPES.map(([, type]) => type).filter((type) => type !== truth);
  const wrong = others[Math.floor(draw(context, 'classify', 'wrong') * others.length)] ?? 'unknown';
  return { document_type: right ? truth : wrong, confidence: confidence(right, draw(context, 'classify', 'confidence')) };
}

function extract(context: Context, fields: readonly ExtractionField[], round: number): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((field) => {
      const truth = readFieldValue(context.lines, field);
      const right = draw(context, 'extract', field.name, round) < context.accuracy;
      const value = right ? truth : wrongValue(truth, field, draw(context, 'extract', field.name, round, 'wrong'));
      return [field.name, { value, confidence: confidence(right, draw(context, 'extract', field.name, round, 'confidence')) }];
    }),
  );
}

/** Whether a candidate value is what the document says, with the field's type. */
function isSupported(context: Context, field: ExtractionField, value: unknown): { supported: boolean; reason: string } {
  if (!fieldValueZod(field).safeParse(value).success) {
    return { supported: false, reason: `not a valid ${field.type} value` };
  }
  const truth = readFieldValue(context.lines, field);
  if (sameFieldValue(value, truth)) {
    return { supported: true, reason: truth === null ? 'the document does not state it' : 'matches the document' };
  }
  return {
    supported: false,
    reason: truth === null ? 'the document does not state this field' : `the document says ${JSON.stringify(truth)}`,
  };
}

function validate(
  context: Context,
  schema: ExtractionSchema,
  candidates: Record<string, { value: unknown; confidence: number }>,
): Record<string, { valid: boolean; reason: string }> {
  const fields = schema.fields.filter((field) => field.name in candidates);
  return Object.fromEntries(
    fields.map((field) => {
      const { supported, reason } = isSupported(context, field, candidates[field.name]?.value);
      const right = draw(context, 'validate', field.name, JSON.stringify(candidates[field.name]?.value ?? null)) < context.accuracy;
      const valid = right ? supported : !supported;
      return [field.name, { valid, reason: right ? reason : valid ? 'looks consistent with the document' : 'not found in the document' }];
    }),
  );
}

interface Option {
  value: FieldValue;
  confidence: number;
  validated: boolean;
}

function review(
  context: Context,
  schema: ExtractionSchema,
  candidates: z.infer<typeof ReviewCandidatesSchema>,
  verdicts: z.infer<typeof ReviewVerdictsSchema>,
  reextracted: readonly string[],
): Record<string, unknown> {
  const disputed: string[] = [];
  const fields = Object.fromEntries(
    schema.fields.map((field) => {
      const options: Option[] = candidates.flatMap((candidate, index) => {
        const extracted = candidate.fields[field.name];
        if (!extracted) return [];
        const judged = verdicts
          .filter((verdict) => verdict.candidate === (candidate.candidate ?? index))
          .map((verdict) => verdict.verdicts[field.name])
          .filter((verdict) => verdict !== undefined);
        const validated = judged.length > 0 && judged.every((verdict) => verdict.valid);
        return [{ value: extracted.value as FieldValue, confidence: extracted.confidence, validated }];
      });
      const byConfidence = [...options].sort((a, b) => b.confidence - a.confidence);
      // A careless orchestrator trusts confidence alone and ignores the validators.
      const careful = draw(context, 'review', field.name) < context.accuracy;
      const best = careful ? byConfidence.find((option) => option.validated) : byConfidence[0];
      if (best && (best.validated || !careful)) return [field.name, { value: best.value, confidence: best.confidence }];
      if (!reextracted.includes(field.name)) disputed.push(field.name);
      const fallback = byConfidence[0];
      return [field.name, { value: fallback?.value ?? null, confidence: Math.min(fallback?.confidence ?? 0, 0.4) }];
    }),
  );
  return { fields, disputed };
}
