import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { formatPointer, getAt } from '../../contract/schema/json-pointer.ts';
import { patternOf, valueLeaves } from '../../contract/schema/leaves.ts';
import type { ObjectNode } from '../../contract/schema/schema-node.ts';
import { perLeaf, tidyPointer, toDataPointer } from './answer-pointers.ts';
import { answerValues } from './answer-size.ts';
import { decodeWire, encodeWire, wireRoot } from './wire-form.ts';
import { wireJsonSchema, type JsonSchema } from './wire-json-schema.ts';
import { wireZod } from './wire-zod.ts';

/**
 * What the model stages answer for a nested schema, as one JSON Schema each (to be translated per
 * provider) and a reader that checks an answer and returns it in data terms.
 *
 * extract  `{data, default_confidence, confidence: [{pointer, confidence}]}` — the document in the
 *          schema's own shape (wire form), a confidence for all values, and the values whose
 *          confidence differs, by JSON Pointer. Why not `{value, confidence}` at every leaf: that
 *          doubles the properties and adds a nesting level per leaf against OpenAI's budgets (5000
 *          properties, 10 levels), and the data would no longer be in its own shape. Why not a
 *          parallel tree of confidences: twice the output tokens, and lists that must stay aligned.
 *          A pointer list costs a constant four properties and one level, whatever the schema.
 * validate `{verdicts: [{pointer, valid, reason}]}` about the candidate shown; a row's or object's
 *          pointer judges everything in it; the most specific verdict wins.
 * review   `{data, default_confidence, confidence, disputed: [pointer]}` — the final values and the
 *          pointers (values, rows or whole lists) no candidate settles.
 * Data is checked strictly (a wrong shape is a `StageAnswerError`, to be retried); pointers are
 * advice and checked leniently: one that names nothing is returned in `unresolved`, not thrown.
 */

/** What each stage's prompt says about its answer, in the words the answer schemas use. */
export const ANSWER_INSTRUCTIONS = {
  extract:
    'Put in "data" every value of the schema as the document states it, converted to its type (numbers without ' +
    'currency symbols or thousands separators, dates as YYYY-MM-DD), null for a value the document does not state, ' +
    'and an empty list for a list with no rows. Give "default_confidence" (0 to 1) for your values in general, and in ' +
    '"confidence" only the values you are more or less sure of, each by its JSON Pointer into data ' +
    '(e.g. "/line_items/0/amount"); a pointer to a row or object covers every value in it.',
  validate:
    'Judge every value of the candidate against the document: valid when the document supports it and it has its ' +
    'type. Name each value by its JSON Pointer into the candidate (e.g. "/line_items/0/amount"); a pointer to a row ' +
    'or object judges every value in it, and a more specific verdict overrides it.',
  review:
    'Choose the final value of every field into "data", preferring validated values with high confidence, with ' +
    'confidences as in extraction. List in "disputed" the JSON Pointers of values, rows or whole lists no candidate ' +
    'settles, so they are extracted again; a missing row is disputed by pointing at its list.',
} as const;

export interface AnswerIssue {
  path: string;
  message: string;
}

export class StageAnswerError extends Error {
  override name = 'StageAnswerError';
  constructor(readonly stage: 'extract' | 'validate' | 'review', readonly issues: AnswerIssue[]) {
    const shown = issues.slice(0, 5).map((issue) => `${issue.path || '(answer)'}: ${issue.message}`);
    super(`the ${stage} answer does not match its schema: ${shown.join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`);
  }
}

export interface AnswerFormat<T> {
  /** The response format's name (OpenAI `json_schema.name`, the Anthropic tool's name). */
  name: string;
  /** The answer's JSON Schema before provider translation (`openai-strict.ts` and siblings). */
  schema: JsonSchema;
  read(answer: unknown): T;
}

export interface ExtractedData {
  /** Plain JSON of the schema's shape. */
  data: unknown;
  /** Data pointer of every value → the model's confidence in it. */
  confidence: Record<string, number>;
  /** Pointers the model wrote that name nothing in its data. */
  unresolved: string[];
}

export interface LeafVerdict {
  valid: boolean;
  reason: string;
}

export interface ValidationVerdicts {
  /** Data pointer of every value judged → its verdict. */
  verdicts: Record<string, LeafVerdict>;
  /** Values of the candidate no verdict covers. */
  unjudged: string[];
  unresolved: string[];
}

export interface ReviewedData extends ExtractedData {
  /** Data pointers (of values, rows or lists) to re-extract or send to a person. */
  disputed: string[];
}

const CONFIDENCE = { type: 'number', minimum: 0, maximum: 1 } as const;
const confidenceZod = z.number().min(0).max(1);

function strictObject(properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return { type: 'object', ...(description ? { description } : {}), properties, required: Object.keys(properties), additionalProperties: false };
}

/**
 * A list of entries by pointer, at most `most` long: one per value is all an answer needs, and the
 * bound stops a small model's grammar-constrained decoding from repeating entries until its output
 * cap (llama.cpp and Gemini enforce `maxItems`, OpenAI strict mode too; Anthropic reads it in the
 * description).
 */
const pointerList = (item: Record<string, JsonSchema>, description: string, most: number): JsonSchema => ({
  type: 'array',
  description,
  items: strictObject({ pointer: { type: 'string', description: 'A JSON Pointer into data, e.g. "/line_items/0/amount".' }, ...item }),
  maxItems: Math.max(1, most),
});

function confidenceProperties(values: number): Record<string, JsonSchema> {
  return {
    default_confidence: { ...CONFIDENCE, description: 'Your confidence, from 0 to 1, in every value not listed in confidence.' },
    confidence: pointerList(
      { confidence: CONFIDENCE },
      'The values whose confidence differs from default_confidence; a pointer to a row or object covers every value in it.',
      values,
    ),
  };
}

const confidenceListZod = z.array(z.strictObject({ pointer: z.string(), confidence: confidenceZod }));
const verdictsZod = z.strictObject({ verdicts: z.array(z.strictObject({ pointer: z.string(), valid: z.boolean(), reason: z.string() })) });

const extractZodOf = (wire: ObjectNode) => z.strictObject({ data: wireZod(wire), default_confidence: confidenceZod, confidence: confidenceListZod });
const reviewZodOf = (wire: ObjectNode) => extractZodOf(wire).extend({ disputed: z.array(z.string()) });

/**
 * The checkers of extract and review answers, by stage and wire schema. zod compiles a schema on its
 * first parse, which costs more than the parse: every call of a stage with the same extraction
 * schema (a queue of one kind of document) reuses the compiled one.
 */
const answerZods = new LRUCache<string, z.ZodType>({ max: 256 });
function answerZodOf<T extends z.ZodType>(stage: 'extract' | 'review', wire: ObjectNode, build: (wire: ObjectNode) => T): T {
  const key = `${stage} ${JSON.stringify(wire)}`;
  let zod = answerZods.get(key) as T | undefined;
  if (!zod) answerZods.set(key, (zod = build(wire)));
  return zod;
}

function zodIssues(error: z.ZodError): AnswerIssue[] {
  return error.issues.map((issue) => ({ path: formatPointer(issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))), message: issue.message }));
}

function parseOrThrow<T>(stage: StageAnswerError['stage'], schema: z.ZodType<T>, answer: unknown): T {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new StageAnswerError(stage, zodIssues(parsed.error));
  return parsed.data;
}

/** Decodes the wire data of an answer and reads its confidence list into per-value confidences. */
function readData(stage: StageAnswerError['stage'], root: ObjectNode, answer: { data: unknown; default_confidence: number; confidence: Array<{ pointer: string; confidence: number }> }) {
  const decoded = decodeWire(root, answer.data);
  if (decoded.problems.length > 0) throw new StageAnswerError(stage, decoded.problems.map((problem) => ({ path: `/data${problem.pointer}`, message: problem.message })));
  const unresolved: string[] = [];
  const listed = new Map<string, number>();
  for (const entry of answer.confidence) {
    const wirePointer = tidyPointer(entry.pointer);
    const dataPointer = wirePointer === undefined ? undefined : toDataPointer(decoded.pointers, wirePointer);
    if (dataPointer === undefined || getAt(decoded.data, dataPointer) === undefined) unresolved.push(entry.pointer);
    else listed.set(dataPointer, entry.confidence);
  }
  const confidence = Object.fromEntries(perLeaf(root, decoded.data, listed, () => answer.default_confidence));
  return { data: decoded.data, confidence, unresolved, pointers: decoded.pointers };
}

/** The extract stage's answer for `root` (a schema's root, or the sub-schema of disputed paths). */
export function extractAnswerFormat(root: ObjectNode): AnswerFormat<ExtractedData> {
  const wire = wireRoot(root);
  const schema = strictObject({ data: wireJsonSchema(wire), ...confidenceProperties(answerValues(root)) });
  const answerZod = answerZodOf('extract', wire, extractZodOf);
  return {
    name: 'extraction',
    schema,
    read(answer) {
      const { data, confidence, unresolved } = readData('extract', root, parseOrThrow('extract', answerZod, answer));
      return { data, confidence, unresolved };
    },
  };
}

/**
 * The validate stage's answer about `candidate` (data of `root`'s shape). `candidateWire` is the
 * candidate as the validator must be shown it, so that its pointers are the ones it answers with.
 */
export function validateAnswerFormat(root: ObjectNode, candidate: unknown): AnswerFormat<ValidationVerdicts> & { candidateWire: unknown } {
  const candidateWire = encodeWire(root, candidate);
  const pointers = decodeWire(root, candidateWire).pointers;
  const verdict = { valid: { type: 'boolean' }, reason: { type: 'string', description: 'Why not, briefly; empty when valid.' } };
  const schema = strictObject({
    verdicts: pointerList(
      verdict,
      'A verdict on every value of the candidate; a pointer to a row or object judges every value in it, and the most specific verdict counts.',
      answerValues(root, candidate),
    ),
  });
  return {
    name: 'validation',
    schema,
    candidateWire,
    read(answer) {
      const parsed = parseOrThrow('validate', verdictsZod, answer);
      const unresolved: string[] = [];
      const listed = new Map<string, LeafVerdict>();
      for (const entry of parsed.verdicts) {
        const wirePointer = tidyPointer(entry.pointer);
        const dataPointer = wirePointer === undefined ? undefined : toDataPointer(pointers, wirePointer);
        if (dataPointer === undefined || getAt(candidate, dataPointer) === undefined) unresolved.push(entry.pointer);
        else listed.set(dataPointer, { valid: entry.valid, reason: entry.reason });
      }
      const verdicts = Object.fromEntries(perLeaf(root, candidate, listed, () => undefined));
      const unjudged = valueLeaves(root, candidate).map((leaf) => leaf.pointer).filter((pointer) => !(pointer in verdicts));
      return { verdicts, unjudged, unresolved };
    },
  };
}

/** The orchestrator's review answer: final data of `root`'s shape and the disputed pointers. */
export function reviewAnswerFormat(root: ObjectNode): AnswerFormat<ReviewedData> {
  const wire = wireRoot(root);
  const schema = strictObject({
    data: wireJsonSchema(wire),
    ...confidenceProperties(answerValues(root)),
    disputed: { type: 'array', description: 'Pointers of the values, rows or lists no candidate settles.', items: { type: 'string' }, maxItems: Math.max(1, answerValues(root)) },
  });
  const answerZod = answerZodOf('review', wire, reviewZodOf);
  return {
    name: 'review',
    schema,
    read(answer) {
      const parsed = parseOrThrow('review', answerZod, answer);
      const { data, confidence, unresolved, pointers } = readData('review', root, parsed);
      const disputed: string[] = [];
      for (const raw of parsed.disputed) {
        const wirePointer = tidyPointer(raw);
        // A disputed row may be one the final data lacks: it is enough that the schema has the path.
        const inSchema = wirePointer !== undefined && patternOf(wire, wirePointer) !== undefined;
        const dataPointer = inSchema ? toDataPointer(pointers, wirePointer) : undefined;
        if (dataPointer === undefined) unresolved.push(raw);
        else if (!disputed.includes(dataPointer)) disputed.push(dataPointer);
      }
      return { data, confidence, unresolved, disputed };
    },
  };
}
