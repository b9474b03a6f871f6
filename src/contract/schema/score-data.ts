import { compareLeafValues, isAbsent, type LeafReadOptions } from './field-value.ts';
import { childPointer } from './json-pointer.ts';
import { assignRows } from './row-assignment.ts';
import { isLeaf, type ObjectNode, type SchemaNode } from './schema-node.ts';
import { normaliseText, textsMatch } from './text-value.ts';
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
  /** Pointers where the expected value does not have the schema's shape, left unscored. */
  unscored: string[];
}

export interface ScoreOptions extends LeafReadOptions {
  missingExpected?: 'absent' | 'unlabelled';
  /**
   * Expected values that do not have the schema's shape (published gold sometimes has a string where
   * the schema asks for an object): `skip` (default) leaves them out of the accuracy and lists them
   * in `unscored`, since no extraction that follows the schema can match them; `count` scores each
   * as one entry, right only when the extraction gave the very same value.
   */
  offSchema?: 'skip' | 'count';
}

export function scoreData(root: ObjectNode, expected: unknown, actual: unknown, options: ScoreOptions = {}): DataScore {
  const fields: Record<string, LeafScore> = {};
  const scorer = new Scorer(options);
  scorer.walk(root, expected, actual, '', '', fields);
  const entries = Object.values(fields);
  const correct = entries.filter((entry) => entry.correct).length;
  return { accuracy: entries.length === 0 ? null : correct / entries.length, counted: entries.length, correct, fields, unscored: scorer.unscored };
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

/** Expected index → actual index for rows that are exactly equal (first come, first paired). */
function identicalPairs(expected: readonly unknown[], actual: readonly unknown[]): Map<number, number> {
  const byText = new Map<string, number[]>();
  actual.forEach((row, j) => {
    const text = JSON.stringify(row);
    byText.set(text, [...(byText.get(text) ?? []), j]);
  });
  const pairs = new Map<number, number>();
  expected.forEach((row, i) => {
    const candidates = byText.get(JSON.stringify(row));
    const j = candidates?.shift();
    if (j !== undefined && !deepAbsent(row)) pairs.set(i, j);
  });
  return pairs;
}

class Scorer {
  readonly unscored: string[] = [];

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
          this.offSchema(pointer, expected, actual, record);
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
          this.offSchema(pointer, expected, actual, record);
          return;
        }
        this.scoreRows(node.items, expected, Array.isArray(actual) ? actual : [], pointer, actualPointer, out);
        return;
      case 'map':
        if (!isPlainObject(expected)) {
          this.offSchema(pointer, expected, actual, record);
          return;
        }
        this.scoreMap(node.values, expected, isPlainObject(actual) ? actual : {}, pointer, actualPointer, out);
        return;
      default:
        return;
    }
  }

  /** An expected value without the schema's shape: unscored, or one entry (see `offSchema`). */
  private offSchema(pointer: string, expected: unknown, actual: unknown, record: (entry: Omit<LeafScore, 'actual_pointer'>) => void): void {
    if (this.options.offSchema !== 'count') {
      this.unscored.push(pointer);
      return;
    }
    const scalar = (value: unknown) => value === null || typeof value !== 'object';
    const correct = scalar(expected) && scalar(actual) ? textsMatch(expected, actual, 'normalised') : JSON.stringify(expected) === JSON.stringify(actual);
    record({ expected, actual: actual ?? null, correct, method: 'shape' });
  }

  private score(node: SchemaNode, expected: unknown, actual: unknown): Entries {
    const entries: Entries = {};
    this.walk(node, expected, actual, '', '', entries);
    return entries;
  }

  private scoreRows(items: SchemaNode, expected: unknown[], actual: unknown[], pointer: string, actualPointer: string, out: Entries): void {
    // Identical rows are paired first: a pairing that costs nothing is part of an optimal assignment
    // whenever costs obey the triangle inequality (they count differing leaves), and it keeps long
    // lists (a paper's hundred citations) from needing a hundred-squared comparisons.
    const identical = identicalPairs(expected, actual);
    const restExpected = expected.map((_, i) => i).filter((i) => !identical.has(i));
    const used = new Set(identical.values());
    const restActual = actual.map((_, j) => j).filter((j) => !used.has(j));
    // The cost of a pairing is the number of wrong entries it makes; a row left unanswered makes all
    // of its entries wrong; an answer to nothing is one wrong entry.
    const costs = new Map<string, number>();
    const cost = (a: number, b: number) => {
      const [i, j] = [restExpected[a]!, restActual[b]!];
      const key = `${i}:${j}`;
      let value = costs.get(key);
      if (value === undefined) {
        value = incorrectCount(this.score(items, expected[i], actual[j]));
        costs.set(key, value);
      }
      return value;
    };
    const missCost = (a: number) => incorrectCount(this.score(items, expected[restExpected[a]!], null));
    const extraCost = (b: number) => (deepAbsent(actual[restActual[b]!]) ? 0 : 1);
    const assignment = assignRows(restExpected.length, restActual.length, cost, missCost, extraCost);
    const pairs: Array<[number, number]> = [...identical.entries(), ...assignment.pairs.map(([a, b]): [number, number] => [restExpected[a]!, restActual[b]!])];
    const missing = assignment.missing.map((a) => restExpected[a]!);
    const extra = assignment.extra.map((b) => restActual[b]!);
    pairs.sort((x, y) => x[0] - y[0]);
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

/**
 * An item's score against its ground truth, as Quarry keeps it: nothing to score without expected
 * values, and a key left out of them is not labelled (a client may label only some fields).
 */
export function scoreItem(schema: { root: ObjectNode }, expected: Record<string, unknown> | null, actual: unknown): DataScore {
  if (expected === null) return { accuracy: null, counted: 0, correct: 0, fields: {}, unscored: [] };
  return scoreData(schema.root, expected, actual, { missingExpected: 'unlabelled' });
}
