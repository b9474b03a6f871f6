import { parseDate, type CalendarDate } from './date-value.ts';
import { isAbsent } from './field-value.ts';
import { WILDCARD, childPointer, formatPointer, parsePointer } from './json-pointer.ts';
import { schemaNodesAt } from './leaves.ts';
import { parseNumber } from './number-value.ts';
import type { IssueList } from './schema-issues.ts';
import { isLeaf, type ObjectNode, type SchemaNode } from './schema-node.ts';
import { rulePointers, type ValidationRule } from './validation-rule-format.ts';

/**
 * Checking a schema's rules (format in `validation-rule-format.ts`): `checkRules` when the schema is
 * defined (every pointer names a leaf of the right kind, wildcards bind consistently), `evaluateRules`
 * after extraction. A rule whose values are missing or unreadable is `unverifiable`, not failed: a
 * missing subtotal is the extraction's problem, reported by its own leaf.
 */

export interface RuleFailure {
  rule: number;
  type: ValidationRule['type'];
  message: string;
  /** The data pointers the rule read; all of them are disputed by the failure. */
  pointers: string[];
}

export interface RuleOutcome {
  failures: RuleFailure[];
  unverifiable: RuleFailure[];
  /** How many checks ran (one per row for row-wise rules). */
  checked: number;
}

const wildcardCount = (pointer: string) => parsePointer(pointer).filter((segment) => segment === WILDCARD).length;

/** The pattern prefixes ending at each wildcard: `/a/*\/b/*\/c` → [`/a/*`, `/a/*\/b/*`]. */
function wildcardPrefixes(pointer: string): string[] {
  const prefixes: string[] = [];
  const segments = parsePointer(pointer);
  segments.forEach((segment, index) => {
    if (segment === WILDCARD) prefixes.push(formatPointer(segments.slice(0, index + 1)));
  });
  return prefixes;
}

const isPrefixOf = (shorter: readonly string[], longer: readonly string[]) => shorter.every((prefix, index) => longer[index] === prefix);

function hasKind(node: SchemaNode, kinds: readonly string[]): boolean {
  return node.kind === 'union' ? node.options.some((option) => hasKind(option, kinds)) : kinds.includes(node.kind);
}

/** Adds an issue (at `/rules/<i>/...`) for every rule that cannot be evaluated against this schema. */
export function checkRules(root: ObjectNode, rules: readonly ValidationRule[], issues: IssueList, path = '/rules'): void {
  rules.forEach((rule, index) => {
    const where = childPointer(path, index);
    const kinds = rule.type === 'date_order' ? ['date'] : ['number', 'integer'];
    for (const pointer of rulePointers(rule)) {
      const nodes = schemaNodesAt(root, pointer);
      if (nodes.length === 0) issues.add(where, `${pointer} is not a path of the schema`);
      else if (!nodes.every(isLeaf)) issues.add(where, `${pointer} is not a single value (use "*" for every row of a list)`);
      else if (!nodes.every((node) => hasKind(node, kinds))) issues.add(where, `${pointer} is not a ${kinds.join(' or ')} field`);
    }
    if (rule.type === 'date_order') {
      const [a, b] = [wildcardPrefixes(rule.earlier), wildcardPrefixes(rule.later)];
      if (!isPrefixOf(a, b) && !isPrefixOf(b, a)) issues.add(where, 'earlier and later must be in the same rows (or one outside every list)');
      return;
    }
    const bound = wildcardPrefixes(rule.equals);
    for (const factor of Array.isArray(rule.of) ? rule.of : [rule.of]) {
      const own = wildcardPrefixes(factor);
      if (rule.type === 'product' && !isPrefixOf(own, bound)) {
        issues.add(where, `${factor} has more rows than ${rule.equals}: each row of a product needs one value per factor`);
      }
      if (rule.type === 'sum' && !isPrefixOf(bound, own)) {
        issues.add(where, `${rule.equals} is inside rows that ${factor} is not in`);
      }
    }
  });
}

interface Found {
  pointer: string;
  value: unknown;
  /** The values the pattern's wildcards took, in order. */
  bound: string[];
}

/** Every concrete pointer of `data` matching `pattern` (wildcards over array indices and object keys). */
function expand(data: unknown, pattern: string): Found[] {
  const found: Found[] = [];
  const walk = (current: unknown, segments: readonly string[], pointer: string, bound: string[]) => {
    const [head, ...rest] = segments;
    if (head === undefined) {
      found.push({ pointer, value: current, bound });
      return;
    }
    if (current === null || typeof current !== 'object') return;
    const keys = head === WILDCARD ? Object.keys(current) : Object.hasOwn(current, head) ? [head] : [];
    for (const key of keys) {
      walk((current as Record<string, unknown>)[key], rest, childPointer(pointer, key), head === WILDCARD ? [...bound, key] : bound);
    }
  };
  walk(data, parsePointer(pattern), '', []);
  return found;
}

/** `pattern` with its first wildcards replaced by `values`. */
function bind(pattern: string, values: readonly string[]): string {
  let next = 0;
  return formatPointer(parsePointer(pattern).map((segment) => (segment === WILDCARD && next < values.length ? (values[next++] ?? segment) : segment)));
}

const show = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(Math.min(6, Math.max(2, String(value).split('.')[1]?.length ?? 0))));

/** Evaluates every rule of the schema against `data` (plain JSON of the schema's shape). */
export function evaluateRules(rules: readonly ValidationRule[], data: unknown, options: { dayFirst?: boolean } = {}): RuleOutcome {
  const outcome: RuleOutcome = { failures: [], unverifiable: [], checked: 0 };
  rules.forEach((rule, index) => {
    const report = (kind: 'failures' | 'unverifiable', message: string, pointers: string[]) =>
      outcome[kind].push({ rule: index, type: rule.type, message: rule.message && kind === 'failures' ? `${rule.message}: ${message}` : message, pointers });
    if (rule.type === 'date_order') {
      const longer = wildcardCount(rule.later) >= wildcardCount(rule.earlier) ? 'later' : 'earlier';
      for (const row of expand(data, rule[longer])) {
        const other = expand(data, bind(longer === 'later' ? rule.earlier : rule.later, row.bound))[0];
        const [earlier, later] = longer === 'later' ? [other, row] : [row, other];
        const pointers = [earlier?.pointer ?? rule.earlier, later?.pointer ?? rule.later];
        const [a, b] = [parseDate(earlier?.value, options), parseDate(later?.value, options)];
        if (!a || !b) {
          report('unverifiable', 'a date is missing or unreadable', pointers);
          continue;
        }
        outcome.checked += 1;
        const order = compareDates(a, b);
        if (order > 0 || (order === 0 && !rule.allow_equal)) {
          report('failures', `${pointers[0]} (${String(earlier?.value)}) is not ${rule.allow_equal ? 'on or ' : ''}before ${pointers[1]} (${String(later?.value)})`, pointers);
        }
      }
      return;
    }
    for (const target of expand(data, rule.equals)) {
      const factors = Array.isArray(rule.of) ? rule.of : [rule.of];
      const terms = factors.flatMap((factor) => expand(data, bind(factor, target.bound)));
      const pointers = [...terms.map((term) => term.pointer), target.pointer];
      const numbers = terms.map((term) => (isAbsent(term.value) ? null : parseNumber(term.value)));
      const total = isAbsent(target.value) ? null : parseNumber(target.value);
      if (terms.length === 0 || total === null || numbers.some((number) => number === null)) {
        report('unverifiable', terms.length === 0 ? `nothing to ${rule.type === 'sum' ? 'add up' : 'multiply'} for ${target.pointer}` : 'a value is missing or not a number', pointers);
        continue;
      }
      outcome.checked += 1;
      const values = numbers as number[];
      const result = rule.type === 'sum' ? values.reduce((sum, value) => sum + value, 0) : values.reduce((product, value) => product * value, 1);
      // Each term rounded to the cent may be off by half a cent; that much drift is not an error.
      const tolerance = rule.tolerance ?? Math.max(0.01, 0.005 * terms.length);
      if (Math.abs(result - total) > tolerance + 1e-9) {
        const operation = rule.type === 'sum' ? `sum of ${factors.join(' + ')}` : `product of ${factors.join(' × ')}`;
        report('failures', `${operation} is ${show(result)}, but ${target.pointer} is ${show(total)}`, pointers);
      }
    }
  });
  return outcome;
}

/** Negative when a is before b, compared at the precision both dates have. */
function compareDates(a: CalendarDate, b: CalendarDate): number {
  if (a.year !== b.year) return a.year - b.year;
  if (a.month === undefined || b.month === undefined) return 0;
  if (a.month !== b.month) return a.month - b.month;
  if (a.day === undefined || b.day === undefined) return 0;
  return a.day - b.day;
}
