import { compareLeafValues, isAbsent, type LeafReadOptions } from './field-value.ts';
import { childPointer } from './json-pointer.ts';
import { assignRows } from './row-assignment.ts';
import { isLeaf, type ObjectNode, type SchemaNode } from './schema-node.ts';
import { normaliseText } from './text-value.ts';
import { unionOptionFor } from './union-option.ts';

/**
 * Scoring extracted data against the expected data (both plain JSON of the schema's shape), one
 * entry per leaf, keyed by the expected side's JSON Pointer:
 * - a leaf is compared by `compareLeafValues` (its kind and its match hint);
 * - list items — scalars or rows — are paired with the expected ones by optimal assignment, not by
 *   position, so a reordered list costs nothing, a missing expected row counts its own leaves once
 *   each (and nothing else shifts), and an extra row counts once, as one entry beyond the expected
 *   ones (`/line_items/5` when four were expected). Scalar lists are thereby compared as multisets;
 * - map entries are paired by their key (compared as normalised text);
 * - where the expected value is null (or an empty list), the pointer counts once: right when the
 *   extraction has nothing there either;
 * - a key missing from `expected` is null (`missingExpected: 'absent'`, ExtractBench's rule) or not
 *   scored at all (`'unlabelled'`, for partly labelled items); leaves hinted `skip` are never scored.
 */

export interface LeafScore {
  expected: unknown;
  actual: unknown;
  correct: boolean;
  /** How the values were compared (`number±0.005`, `date`, `fuzzy≥0.8`...). */
  method: string;
  /** Where the actual value came from, when not the same pointer (a reordered row). */
  actual_pointer?: string;
}

export interface DataScore {
  /** Correct entries / counted entries; null when nothing was counted. */
  accuracy: number | null;
  counted: number;
  correct: number;
  fields: Record<string, LeafScore>;
}

export interface ScoreOptions extends LeafReadOptions {
  missingExpected?: 'absent' | 'unlabelled';
}

export function scoreData(root: ObjectNode, expected: unknown, actual: unknown, options: ScoreOptions = {}): DataScore {
  const fields: Record<string, LeafScore> = {};
  new Scorer(options).walk(root, expected, actual, '', '', fields);
  const entries = Object.values(fields);
  const correct = entries.filter((entry) => entry.correct).length;
  return { accuracy: entries.length === 0 ? null : correct / entries.length, counted: entries.length, correct, fields };
}

type Entries = Record<string, LeafScore>;

/** Nothing there: absent, or a container whose every value is absent. */
function deepAbsent(value: unknown): boolean {
  if (isAbsent(value)) return true;
  if (Array.isArray(value)) return value.every(deepAbsent);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(deepAbsent);
  return false;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const incorrectCount = (entries: Entries) => Object.values(entries).filter((entry) => !entry.correct).length;

class Scorer {
  constructor(private readonly options: ScoreOptions) {}

  /** Scores `actual` (found at `actualPointer`) against `expected` (at `pointer`) into `out`. */
  walk(node: SchemaNode, expected: unknown, actual: unknown, pointer: string, actualPointer: string, out: Entries): void {
    if (node.match?.metric === 'skip') return;
    if (expected === undefined && this.options.missingExpected === 'unlabelled') return;
    const record = (entry: Omit<LeafScore, 'actual_pointer'>) => {
      out[pointer] = actualPointer === pointer ? entry : { ...entry, actual_pointer: actualPointer };
    };
    if (isLeaf(node)) {
      record({ expected: expected ?? null, actual: actual ?? null, ...compareLeafValues(node, expected, actual, this.options) });
      return;
    }
    if (deepAbsent(expected)) {
      record({ expected: expected ?? null, actual: actual ?? null, correct: deepAbsent(actual), method: 'absent' });
      return;
    }
    switch (node.kind) {
      case 'union': {
        const option = unionOptionFor(node.options, expected) ?? node.options[0];
        if (option) this.walk({ ...option, match: option.match ?? node.match }, expected, actual, pointer, actualPointer, out);
        return;
      }
      case 'object': {
        if (!isPlainObject(expected)) {
          record({ expected, actual: actual ?? null, correct: false, method: 'shape' });
          return;
        }
        const got = isPlainObject(actual) ? actual : {};
        for (const property of node.properties) {
          const child = (from: string) => childPointer(from, property.name);
          this.walk(property.node, expected[property.name], got[property.name], child(pointer), child(actualPointer), out);
        }
        return;
      }
      case 'array':
        if (!Array.isArray(expected)) {
          record({ expected, actual: actual ?? null, correct: false, method: 'shape' });
          return;
        }
        this.scoreRows(node.items, expected, Array.isArray(actual) ? actual : [], pointer, actualPointer, out);
        return;
      case 'map':
        if (!isPlainObject(expected)) {
          record({ expected, actual: actual ?? null, correct: false, method: 'shape' });
          return;
        }
        this.scoreMap(node.values, expected, isPlainObject(actual) ? actual : {}, pointer, actualPointer, out);
        return;
      default:
        return;
    }
  }

  private score(node: SchemaNode, expected: unknown, actual: unknown): Entries {
    const entries: Entries = {};
    this.walk(node, expected, actual, '', '', entries);
    return entries;
  }

  private scoreRows(items: SchemaNode, expected: unknown[], actual: unknown[], pointer: string, actualPointer: string, out: Entries): void {
    // The cost of a pairing is the number of wrong entries it makes; a row left unanswered makes all
    // of its entries wrong; an answer to nothing is one wrong entry.
    const costs = new Map<string, number>();
    const cost = (i: number, j: number) => {
      const key = `${i}:${j}`;
      let value = costs.get(key);
      if (value === undefined) {
        value = incorrectCount(this.score(items, expected[i], actual[j]));
        costs.set(key, value);
      }
      return value;
    };
    const missCost = (i: number) => incorrectCount(this.score(items, expected[i], null));
    const extraCost = (j: number) => (deepAbsent(actual[j]) ? 0 : 1);
    const { pairs, missing, extra } = assignRows(expected.length, actual.length, cost, missCost, extraCost);
    for (const [i, j] of pairs) this.walk(items, expected[i], actual[j], childPointer(pointer, i), childPointer(actualPointer, j), out);
    for (const i of missing) this.walk(items, expected[i], null, childPointer(pointer, i), childPointer(pointer, i), out);
    let beyond = expected.length;
    for (const j of extra) {
      if (deepAbsent(actual[j])) continue;
      const at = childPointer(pointer, beyond++);
      out[at] = { expected: null, actual: actual[j], correct: false, method: 'extra', actual_pointer: childPointer(actualPointer, j) };
    }
  }

  private scoreMap(values: SchemaNode, expected: Record<string, unknown>, actual: Record<string, unknown>, pointer: string, actualPointer: string, out: Entries): void {
    const byKey = new Map(Object.keys(actual).map((key) => [normaliseText(key), key]));
    const used = new Set<string>();
    for (const [key, value] of Object.entries(expected)) {
      const actualKey = key in actual ? key : byKey.get(normaliseText(key));
      if (actualKey !== undefined) used.add(actualKey);
      const from = actualKey === undefined ? childPointer(pointer, key) : childPointer(actualPointer, actualKey);
      this.walk(values, value, actualKey === undefined ? null : actual[actualKey], childPointer(pointer, key), from, out);
    }
    for (const [key, value] of Object.entries(actual)) {
      if (used.has(key) || deepAbsent(value)) continue;
      out[childPointer(pointer, key)] = { expected: null, actual: value, correct: false, method: 'extra', actual_pointer: childPointer(actualPointer, key) };
    }
  }
}
