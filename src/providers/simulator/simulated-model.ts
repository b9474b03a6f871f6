import { z } from 'zod';
import { compareLeafValues } from '../../contract/schema/field-value.ts';
import { getAt, setAt } from '../../contract/schema/json-pointer.ts';
import { valueLeaves } from '../../contract/schema/leaves.ts';
import { tryParseExtractionSchema } from '../../contract/schema/parse-schema.ts';
import type { ObjectNode } from '../../contract/schema/schema-node.ts';
import { isModelStage } from '../../contract/stages.ts';
import { wirePointersOf } from '../../pipeline/structured-output/answer-size.ts';
import { parseSections, readJsonSection, readTextSection } from '../../pipeline/prompt-sections.ts';
import { disputedSubSchema } from '../../pipeline/structured-output/disputed-paths.ts';
import { decodeWire, encodeWire } from '../../pipeline/structured-output/wire-form.ts';
import type { CatalogModel, ModelStage } from '../types.ts';
import { readDocumentData } from './document-reader.ts';
import { normaliseLabel } from './document-lines.ts';
import { fingerprint } from './seeded-random.ts';
import { confidence, confidenceAnswer, draw, drawKey, effectiveAccuracy, UnreadablePromptError, type Context } from './simulation-context.ts';
import { simulateReview } from './simulated-review.ts';
import { wrongValue } from './wrong-values.ts';

/**
 * A simulated model: it reads the stage's prompt sections back, works out the right answer from the
 * document, and then errs as often as the catalog model's `simulated_profile` says, value by value.
 * Every draw is seeded by what it concerns (model, document, value's path, task, round), so the same
 * call always gets the same answer and accuracy differences between models are stable across runs.
 * It answers in the forms the pipeline asks for (`structured-output/stage-answers.ts`): data in the
 * schema's wire form, confidences and verdicts by JSON Pointer.
 */

export interface SimulationInput {
  model: CatalogModel;
  system: string;
  prompt: string;
  temperature: number;
  /** What a vision model read in the request's images: part of the document it sees. */
  imageText?: string | undefined;
}

export interface Simulation {
  task: ModelStage;
  answer: Record<string, unknown>;
  /** How many values (or one, for classify) the answer covers; drives the output token count. */
  items: number;
}

export function simulateAnswer(input: SimulationInput): Simulation {
  const sections = parseSections(input.prompt);
  const named = readTextSection(sections, 'task')?.trim();
  if (!named || !isModelStage(named)) {
    throw new UnreadablePromptError(`the prompt has no <task> the simulator knows (got ${JSON.stringify(named ?? null)})`);
  }
  const task = named;
  const document = [readTextSection(sections, 'document') ?? '', input.imageText ?? ''].filter((part) => part.trim() !== '').join('\n\n');
  const context: Context = { model: input.model, accuracy: effectiveAccuracy(input.model, input.temperature), document, documentKey: fingerprint(document) };
  if (task === 'classify') return { task, answer: classify(context), items: 1 };

  const parsed = tryParseExtractionSchema(readJsonSection(sections, 'schema'));
  if (!parsed.ok) throw new UnreadablePromptError(`the <schema> section is not an extraction schema: ${parsed.issues[0]?.message ?? ''}`);
  const schema = parsed.schema;
  const onlyPaths = z.array(z.string()).safeParse(readJsonSection(sections, 'only_paths'));
  const root = onlyPaths.success ? disputedSubSchema(schema.root, onlyPaths.data).root : schema.root;

  switch (task) {
    case 'extract': {
      const round = Number(readTextSection(sections, 'round') ?? '0') || 0;
      return { task, ...extract(context, root, round) };
    }
    case 'validate': {
      const candidates = readJsonSection(sections, 'candidates');
      if (typeof candidates !== 'object' || candidates === null || Array.isArray(candidates)) throw new UnreadablePromptError('the <candidates> section is not the candidate data');
      return { task, ...validate(context, root, candidates) };
    }
    case 'review':
      return { task, ...simulateReview(context, schema, sections) };
  }
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
  const stated = /^\s*(?:document[\s_-]*)?type\s*:\s*(.+?)\s*$/im.exec(context.document)?.[1];
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

/** The document's data, then each value kept or made wrong as the profile says. */
function extract(context: Context, root: ObjectNode, round: number): { answer: Record<string, unknown>; items: number } {
  let data: unknown = readDocumentData(context.document, root);
  const confidences = new Map<string, number>();
  // A value of a list is never null: a list item read as nothing is left out (a missed item).
  const missed: string[] = [];
  for (const leaf of valueLeaves(root, data)) {
    const key = drawKey(leaf.pointer);
    const right = draw(context, 'extract', key, round) < context.accuracy;
    if (!right) {
      const wrong = wrongValue(leaf.value as string | number | boolean | null, leaf.node, draw(context, 'extract', key, round, 'wrong'));
      if (wrong === null && leaf.pattern.endsWith('/*')) missed.push(leaf.pointer);
      else data = setAt(data, leaf.pointer, wrong);
    }
    confidences.set(leaf.pointer, confidence(right, draw(context, 'extract', key, round, 'confidence')));
  }
  for (const pointer of missed.reverse()) {
    const cut = pointer.lastIndexOf('/');
    const [parent, removed] = [pointer.slice(0, cut), Number(pointer.slice(cut + 1))];
    const list = getAt(data, parent) as unknown[];
    data = setAt(data, parent, list.filter((_, index) => index !== removed));
    // The items after it move up one place, and their confidences with them.
    for (let index = removed; index < list.length; index += 1) {
      const next = confidences.get(`${parent}/${index + 1}`);
      if (next === undefined) confidences.delete(`${parent}/${index}`);
      else confidences.set(`${parent}/${index}`, next);
    }
  }
  return { answer: { data: encodeWire(root, data), ...confidenceAnswer(root, data, confidences) }, items: confidences.size };
}

/** Each value of the candidate against what the document says, judged right as often as the profile says. */
function validate(context: Context, root: ObjectNode, candidateWire: unknown): { answer: Record<string, unknown>; items: number } {
  const candidate = decodeWire(root, candidateWire).data;
  const truth = readDocumentData(context.document, root);
  const wire = wirePointersOf(root, candidate);
  const verdicts = valueLeaves(root, candidate).map((leaf) => {
    const expected = getAt(truth, leaf.pointer);
    const supported = compareLeafValues(leaf.node, expected, leaf.value).correct;
    const right = draw(context, 'validate', drawKey(leaf.pointer), JSON.stringify(leaf.value ?? null)) < context.accuracy;
    const valid = right ? supported : !supported;
    const reason = !right
      ? valid
        ? ''
        : 'not found in the document'
      : supported
        ? ''
        : expected === undefined || expected === null
          ? 'the document does not state it'
          : `the document says ${JSON.stringify(expected)}`;
    return { pointer: wire.get(leaf.pointer) ?? leaf.pointer, valid, reason };
  });
  return { answer: { verdicts }, items: verdicts.length };
}

export { effectiveAccuracy, UnreadablePromptError };
