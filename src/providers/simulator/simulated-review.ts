import { z } from 'zod';
import { childPointer, getAt, isPointerWithin } from '../../contract/schema/json-pointer.ts';
import { valueLeaves } from '../../contract/schema/leaves.ts';
import { isLeaf, type CanonicalSchema, type SchemaNode } from '../../contract/schema/schema-node.ts';
import { readJsonSection, type SectionName } from '../../pipeline/prompt-sections.ts';
import { tidyPointer, toDataPointer } from '../../pipeline/structured-output/answer-pointers.ts';
import { disputedSubSchema } from '../../pipeline/structured-output/disputed-paths.ts';
import { decodeWire, encodeWire } from '../../pipeline/structured-output/wire-form.ts';
import { emptyOf } from './document-reader.ts';
import { confidenceAnswer, draw, drawKey, UnreadablePromptError, type Context } from './simulation-context.ts';

/**
 * The simulated orchestrator. Value by value it keeps the candidate value with the highest
 * confidence among those a validator accepted; a careless orchestrator (as often as its profile
 * errs) trusts confidence alone. A list, a map or a union is chosen whole from one candidate (rows
 * have no identity across models): the one whose every value was accepted, most confident first.
 * What no accepted candidate settles is disputed, unless it was already re-extracted.
 */

const CandidatesSchema = z.array(
  z.object({
    model: z.string().catch('?'),
    paths: z.array(z.string()).optional().catch(undefined),
    data: z.unknown(),
    default_confidence: z.number().catch(0.5),
    confidence: z.array(z.object({ pointer: z.string(), confidence: z.number() })).catch([]),
  }),
);
const VerdictsSchema = z.array(
  z.object({
    candidate: z.number().int(),
    judged: z.number().catch(0),
    invalid: z.array(z.object({ pointer: z.string() })).catch([]),
  }),
);

interface Candidate {
  data: unknown;
  confidence(pointer: string): number;
  /** Whether a validator judged it and rejected nothing at or inside `pointer`. */
  validated(pointer: string): boolean;
  leavesWithin(pointer: string): string[];
}

function byPointer<T>(entries: ReadonlyMap<string, T>, pointer: string): T | undefined {
  let best: string | undefined;
  for (const candidate of entries.keys()) {
    if (isPointerWithin(pointer, candidate) && (best === undefined || candidate.length > best.length)) best = candidate;
  }
  return best === undefined ? undefined : entries.get(best);
}

function readCandidates(schema: CanonicalSchema, sections: Partial<Record<SectionName, string>>): Candidate[] {
  const candidates = CandidatesSchema.safeParse(readJsonSection(sections, 'candidates'));
  const verdicts = VerdictsSchema.safeParse(readJsonSection(sections, 'verdicts'));
  if (!candidates.success || !verdicts.success) throw new UnreadablePromptError('the <candidates> or <verdicts> section of the review is unreadable');
  return candidates.data.map((entry, index) => {
    const root = entry.paths ? disputedSubSchema(schema.root, entry.paths).root : schema.root;
    const decoded = decodeWire(root, entry.data);
    const toData = (wire: string) => {
      const tidy = tidyPointer(wire);
      return tidy === undefined ? undefined : toDataPointer(decoded.pointers, tidy);
    };
    const confidences = new Map<string, number>();
    for (const listed of entry.confidence) {
      const pointer = toData(listed.pointer);
      if (pointer !== undefined) confidences.set(pointer, listed.confidence);
    }
    const judgements = verdicts.data.filter((verdict) => verdict.candidate === index);
    const judged = judgements.some((verdict) => verdict.judged > 0);
    const invalid = judgements.flatMap((verdict) => verdict.invalid.map((item) => toData(item.pointer))).filter((pointer): pointer is string => pointer !== undefined);
    const leaves = valueLeaves(root, decoded.data).map((leaf) => leaf.pointer);
    return {
      data: decoded.data,
      confidence: (pointer) => byPointer(confidences, pointer) ?? entry.default_confidence,
      validated: (pointer) => judged && !invalid.some((bad) => isPointerWithin(bad, pointer) || isPointerWithin(pointer, bad)),
      leavesWithin: (pointer) => leaves.filter((leaf) => isPointerWithin(leaf, pointer)),
    };
  });
}

export function simulateReview(context: Context, schema: CanonicalSchema, sections: Partial<Record<SectionName, string>>) {
  const candidates = readCandidates(schema, sections);
  const reextracted = z.array(z.string()).catch([]).parse(readJsonSection(sections, 'reextracted') ?? []);
  const disputed: string[] = [];
  const chosen = new Map<string, number>();
  const dispute = (pointer: string) => {
    if (!reextracted.some((path) => isPointerWithin(pointer, path))) disputed.push(pointer);
  };

  const choose = (node: SchemaNode, pointer: string): unknown => {
    const careful = draw(context, 'review', drawKey(pointer)) < context.accuracy;
    const offered = candidates.filter((candidate) => getAt(candidate.data, pointer) !== undefined);
    if (isLeaf(node)) {
      const options = offered
        .map((candidate) => ({ value: getAt(candidate.data, pointer), confidence: candidate.confidence(pointer), validated: candidate.validated(pointer) }))
        .sort((a, b) => b.confidence - a.confidence);
      const best = careful ? options.find((option) => option.validated) : options[0];
      if (best && (best.validated || !careful)) {
        chosen.set(pointer, best.confidence);
        return best.value;
      }
      dispute(pointer);
      chosen.set(pointer, Math.min(options[0]?.confidence ?? 0, 0.4));
      return options[0]?.value ?? null;
    }
    if (node.kind === 'object') {
      return Object.fromEntries(node.properties.map((property) => [property.name, choose(property.node, childPointer(pointer, property.name))]));
    }
    const options = offered
      .map((candidate) => {
        const leaves = candidate.leavesWithin(pointer);
        const mean = leaves.reduce((sum, leaf) => sum + candidate.confidence(leaf), 0) / Math.max(1, leaves.length);
        return { candidate, leaves, mean, validated: candidate.validated(pointer) };
      })
      .sort((a, b) => (careful ? Number(b.validated) - Number(a.validated) : 0) || b.mean - a.mean);
    const best = options[0];
    if (!best || (careful && !best.validated)) dispute(pointer);
    if (!best) return emptyOf(node);
    for (const leaf of best.leaves) chosen.set(leaf, best.candidate.confidence(leaf));
    return getAt(best.candidate.data, pointer);
  };

  const data = choose(schema.root, '');
  return {
    answer: { data: encodeWire(schema.root, data), ...confidenceAnswer(schema.root, data, chosen), disputed },
    items: chosen.size,
  };
}
