import { readLeafValue } from '../../../contract/schema/field-value.ts';
import { childPointer } from '../../../contract/schema/json-pointer.ts';
import { tryParseExtractionSchema } from '../../../contract/schema/parse-schema.ts';
import { isLeaf, type ArrayNode, type CanonicalSchema, type ObjectNode, type SchemaNode } from '../../../contract/schema/schema-node.ts';

/*
 * How the dashboard lays a schema out: the values of its objects, at any depth, one per line
 * (`seller/name`); lists of values as one line; lists of rows as tables; anything else (maps, unions
 * of objects) as JSON. Values a person types are read by the schema's one value module, as the
 * server reads them: "1.234,56 €" is 1234.56 in the browser too.
 */

/** A schema as the item holds it (in the form it was given), read into the canonical tree. */
export function schemaOf(given: unknown): CanonicalSchema | undefined {
  const parsed = tryParseExtractionSchema(given);
  return parsed.ok ? parsed.schema : undefined;
}

interface EntryBase {
  pointer: string;
  /** The pointer without its leading slash: `invoice_number`, `seller/name`, `line_items`. */
  key: string;
  required: boolean;
  description?: string | undefined;
}

export type Entry =
  | (EntryBase & { kind: 'leaf'; node: SchemaNode })
  | (EntryBase & { kind: 'list'; node: ArrayNode; items: SchemaNode })
  | (EntryBase & { kind: 'rows'; node: ArrayNode; row: ObjectNode; columns: Array<{ name: string; node: SchemaNode }> })
  | (EntryBase & { kind: 'other'; node: SchemaNode });

export function entriesOf(root: ObjectNode): Entry[] {
  const entries: Entry[] = [];
  const visit = (node: ObjectNode, pointer: string) => {
    for (const property of node.properties) {
      const at = childPointer(pointer, property.name);
      const base = { pointer: at, key: at.slice(1), required: property.required, description: property.node.description };
      const child = property.node;
      if (isLeaf(child)) entries.push({ ...base, kind: 'leaf', node: child });
      else if (child.kind === 'object') visit(child, at);
      else if (child.kind === 'array' && isLeaf(child.items)) entries.push({ ...base, kind: 'list', node: child, items: child.items });
      else if (child.kind === 'array' && child.items.kind === 'object') {
        const row = child.items;
        entries.push({ ...base, kind: 'rows', node: child, row, columns: row.properties.map((column) => ({ name: column.name, node: column.node })) });
      } else entries.push({ ...base, kind: 'other', node: child });
    }
  };
  visit(root, '');
  return entries;
}

/** Whether every value sits on a line of its own: no tables, no JSON (the schemas Quarry always took). */
export const isFlat = (entries: readonly Entry[]) => entries.every((entry) => entry.kind === 'leaf' || entry.kind === 'list');

export function typeLabel(node: SchemaNode): string {
  switch (node.kind) {
    case 'enum':
      return 'enum';
    case 'array':
      return isLeaf(node.items) ? `list of ${typeLabel(node.items)}` : node.items.kind === 'object' ? 'table' : 'list';
    case 'union':
      return node.options.map(typeLabel).join(' or ');
    default:
      return node.kind;
  }
}

export type ParsedText = { ok: true; value: string | number | boolean } | { ok: false; error: string };

function problem(node: SchemaNode): string {
  switch (node.kind) {
    case 'number':
      return 'Not a number.';
    case 'integer':
      return 'Not a whole number.';
    case 'boolean':
      return 'Choose yes or no.';
    case 'date':
      return 'Not a date.';
    case 'enum':
      return `One of ${node.values.join(', ')}.`;
    default:
      return 'Not a value of this field.';
  }
}

/** A value a person typed, read by the leaf's kind; undefined when nothing was typed. */
export function parseLeafText(node: SchemaNode, text: string): ParsedText | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = readLeafValue(node, trimmed);
  return value === null ? { ok: false, error: problem(node) } : { ok: true, value };
}

/** A list of values typed comma-separated, each read by the item's kind. */
export function parseListText(items: SchemaNode, text: string): { ok: true; value: Array<string | number | boolean> } | { ok: false; error: string } | undefined {
  if (text.trim() === '') return undefined;
  const values: Array<string | number | boolean> = [];
  for (const part of text.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const parsed = parseLeafText(items, part);
    if (!parsed) continue;
    if (!parsed.ok) return { ok: false, error: `${JSON.stringify(part)}: ${parsed.error}` };
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}

/** A value as an input shows it: booleans as the select's `true`/`false`, nothing as empty. */
export function leafText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
