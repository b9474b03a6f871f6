import { formatDate, parseDate } from '../../contract/schema/date-value.ts';
import { readLeafValue } from '../../contract/schema/field-value.ts';
import { isLeaf, type ArrayNode, type MapNode, type ObjectNode, type SchemaNode } from '../../contract/schema/schema-node.ts';
import { DocumentLines, findTable, labelMatches, type LabelledLine } from './document-lines.ts';

/**
 * What a perfect simulated model reads in a document, for any schema: the simulated models start
 * from this and are then made wrong on purpose, as often as their profile says. It reads
 * - a value from a `Label: value` line whose label is the value's path in words ("Seller Name" for
 *   /seller/name) or, at the top or inside its object's own section, its name ("Invoice Number");
 * - an object from a section under a heading with its name ("Seller", then its `Label: value` lines);
 * - a list of rows from a table whose header row names the row's fields (`Description | Qty |
 *   Amount`, or columns set apart by spaces or tabs), else from repeated blocks of `Label: value`
 *   lines (a block ends where one of its labels comes again);
 * - a list of values from a labelled line (`Tags: a; b`) or the bullets under a heading.
 * Values are read by the schema's one value module: "1.234,56 €" is 1234.56, "March 5, 2024" is
 * 2024-03-05. What it does not find is null (an empty list, an object of nulls): never invented.
 */

interface Scope {
  from: number;
  to: number;
  /** Property names from the root to here (list indices left out). */
  path: string[];
  /** Inside a section of its own, a value may be named by its name alone. */
  own: boolean;
}

/** The shape with nothing in it: what the answer holds where the document says nothing. */
export function emptyOf(node: SchemaNode): unknown {
  switch (node.kind) {
    case 'object':
      return Object.fromEntries(node.properties.map((property) => [property.name, emptyOf(property.node)]));
    case 'array':
      return [];
    case 'map':
      return {};
    case 'union':
      return isLeaf(node) ? null : emptyOf(node.options[0]!);
    default:
      return null;
  }
}

/**
 * A leaf's value from its text, in the form an extraction answers it: a full YYYY-MM-DD date (a month
 * or a year alone is written as its first day, as a model asked for a day would), a number, ...
 */
export function readLeafText(node: SchemaNode, raw: string): string | number | boolean | null {
  if (node.kind === 'date') {
    const date = parseDate(raw);
    return date ? formatDate({ year: date.year, month: date.month ?? 1, day: date.day ?? 1 }) : null;
  }
  return readLeafValue(node, raw);
}

export function readDocumentData(document: string, root: ObjectNode): Record<string, unknown> {
  const lines = new DocumentLines(document);
  return new Reader(lines).object(root, { from: 0, to: lines.lines.length, path: [], own: true });
}

const leafNames = (node: ObjectNode) => node.properties.filter((property) => isLeaf(property.node)).map((property) => property.name);

class Reader {
  constructor(private readonly doc: DocumentLines) {}

  object(node: ObjectNode, scope: Scope): Record<string, unknown> {
    return Object.fromEntries(node.properties.map((property) => [property.name, this.node(property.node, property.name, scope)]));
  }

  private node(node: SchemaNode, name: string, scope: Scope): unknown {
    if (isLeaf(node)) return this.leaf(node, name, scope);
    switch (node.kind) {
      case 'object':
        return this.object(node, this.section(name, scope, true));
      case 'array':
        return this.list(node, name, scope);
      case 'map':
        return this.map(node, name, scope);
      case 'union':
        for (const option of node.options) {
          const value = this.node(option, name, scope);
          if (JSON.stringify(value) !== JSON.stringify(emptyOf(option))) return value;
        }
        return emptyOf(node);
      default:
        return null;
    }
  }

  /** The scope of a named part: its own section under a heading, or the same lines one level deeper. */
  private section(name: string, scope: Scope, untilBlank: boolean): Scope {
    const heading = this.doc.findHeading(name, scope.from, scope.to);
    if (heading === undefined) return { ...scope, path: [...scope.path, name], own: false };
    let to = heading + 1;
    while (to < scope.to && !(untilBlank && this.doc.blank(to) && to > heading + 1)) to += 1;
    return { from: heading + 1, to, path: [...scope.path, name], own: true };
  }

  private line(name: string, scope: Scope, lines: readonly LabelledLine[] = this.doc.labelledIn(scope.from, scope.to)): LabelledLine | undefined {
    const full = [...scope.path, name].join(' ');
    return lines.find((entry) => labelMatches(entry.label, full)) ?? (scope.own ? lines.find((entry) => labelMatches(entry.label, name)) : undefined);
  }

  private leaf(node: SchemaNode, name: string, scope: Scope): unknown {
    const found = this.line(name, scope);
    return found === undefined ? null : readLeafText(node, found.value);
  }

  private list(node: ArrayNode, name: string, scope: Scope): unknown[] {
    const items = node.items;
    const heading = this.doc.findHeading(name, scope.from, scope.to);
    const from = heading === undefined ? scope.from : heading + 1;
    if (isLeaf(items)) {
      const line = this.line(name, scope);
      const texts = line ? line.value.split(/[,;]/) : heading === undefined ? [] : this.doc.bulletsFrom(from, scope.to);
      return texts.map((text) => readLeafText(items, text.trim())).filter((value) => value !== null);
    }
    if (items.kind !== 'object') return [];
    const names = leafNames(items);
    const table = findTable(this.doc.lines, names, from, scope.to);
    if (table) {
      return table.rows.map((cells) =>
        Object.fromEntries(
          items.properties.map((property) => {
            const column = [...table.columns.entries()].find(([, column]) => column === property.name)?.[0];
            const text = column === undefined ? undefined : cells[column];
            return [property.name, text === undefined || !isLeaf(property.node) ? emptyOf(property.node) : readLeafText(property.node, text)];
          }),
        ),
      );
    }
    return this.blocks(items, names, { from, to: scope.to, path: [], own: true }, heading !== undefined);
  }

  /** Rows written as repeated groups of `Label: value` lines; a row starts where a label comes again. */
  private blocks(items: ObjectNode, names: readonly string[], scope: Scope, underHeading: boolean): unknown[] {
    const records: Array<Map<string, LabelledLine>> = [];
    let current = new Map<string, LabelledLine>();
    for (const entry of this.doc.labelledIn(scope.from, scope.to)) {
      const name = names.find((candidate) => labelMatches(entry.label, candidate));
      if (!name) continue;
      if (current.has(name)) {
        records.push(current);
        current = new Map();
      }
      current.set(name, entry);
    }
    if (current.size > 0) records.push(current);
    // Without a heading to say where the rows are, a lone label is more likely the document's own.
    const least = underHeading ? 1 : Math.min(2, names.length);
    return records
      .filter((record) => record.size >= least)
      .map((record) =>
        Object.fromEntries(
          items.properties.map((property) => {
            const found = record.get(property.name);
            return [property.name, found && isLeaf(property.node) ? readLeafText(property.node, found.value) : emptyOf(property.node)];
          }),
        ),
      );
  }

  /** Entries under a heading with the map's name, each `Label: value` line one entry. */
  private map(node: MapNode, name: string, scope: Scope): Record<string, unknown> {
    const section = this.section(name, scope, true);
    if (!section.own || !isLeaf(node.values)) return {};
    const out: Record<string, unknown> = {};
    for (const entry of this.doc.labelledIn(section.from, section.to)) {
      const value = readLeafText(node.values, entry.value);
      if (value !== null && !(entry.label in out)) out[entry.label] = value;
    }
    return out;
  }
}
