import { checkDataShape } from './data-shape.ts';
import { InvalidPointerError, correctionPointer, getAt, isSchemaPath, parsePointer, setAt } from './json-pointer.ts';
import { schemaNodesAt } from './leaves.ts';
import type { ObjectNode, SchemaNode } from './schema-node.ts';

/**
 * A reviewer's corrections, by JSON Pointer: a value (`/line_items/2/amount`), a row
 * (`/line_items/2`), a whole list (`/line_items`, to add or remove rows) or an object, each with
 * plain JSON of that place's shape. A key without a leading "/" is a field name of the flat form
 * (`{"vendor_name": "Acme"}` is `/vendor_name`), as corrections were written before schemas nested.
 */

export { correctionPointer, isSchemaPath };

export interface CorrectionIssue {
  pointer: string;
  message: string;
}

const wrap = (node: SchemaNode): ObjectNode => ({ kind: 'object', nullable: false, properties: [{ name: 'value', required: true, node }] });

/** Why each correction does not fit the schema: a path it lacks, or a value of another shape. */
export function checkCorrections(root: ObjectNode, corrections: Record<string, unknown>): CorrectionIssue[] {
  const issues: CorrectionIssue[] = [];
  for (const [key, value] of Object.entries(corrections)) {
    const pointer = correctionPointer(key);
    let nodes: SchemaNode[];
    try {
      nodes = schemaNodesAt(root, pointer);
    } catch (error) {
      issues.push({ pointer: key, message: (error as Error).message });
      continue;
    }
    if (nodes.length === 0) {
      issues.push({ pointer, message: 'not a path of the schema' });
      continue;
    }
    const problems = nodes.map((node) => checkDataShape(wrap(node), { value }, { limit: 3 }));
    const fitting = problems.find((list) => list.length === 0);
    if (!fitting) {
      const first = problems[0]?.[0];
      issues.push({ pointer: first ? `${pointer}${first.pointer.replace(/^\/value/, '')}` : pointer, message: first?.message ?? 'does not fit the schema' });
    }
  }
  return issues;
}

/**
 * `data` with every correction applied, the outermost first (a corrected list, then a value inside
 * it). A container the data lacks on the way is taken from `fallback` (what the model extracted, when
 * `data` is partly labelled ground truth), else created. Throws `InvalidPointerError` for a row past
 * the end of its list.
 */
export function applyCorrections(data: unknown, corrections: Record<string, unknown>, fallback?: unknown): unknown {
  const ordered = Object.entries(corrections)
    .map(([key, value]) => [correctionPointer(key), value] as const)
    .sort(([a], [b]) => parsePointer(a).length - parsePointer(b).length);
  let result: unknown = data ?? {};
  for (const [pointer, value] of ordered) {
    const segments = parsePointer(pointer);
    for (let length = 1; length < segments.length; length += 1) {
      const ancestor = `/${segments.slice(0, length).map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
      if (getAt(result, ancestor) !== undefined) continue;
      const taken = getAt(fallback, ancestor);
      if (taken !== undefined) result = setAt(result, ancestor, taken);
      break;
    }
    result = setAt(result, pointer, value);
  }
  return result;
}

export { InvalidPointerError };
