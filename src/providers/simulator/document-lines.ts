/**
 * The structure a simulated model sees in a document's text, line by line: `Label: value` lines,
 * table rows (cells split by `|`, tabs or runs of two or more spaces, as text from PDFs and
 * spreadsheets has them), bullet items and headings. `document-reader.ts` matches them to a schema.
 */

export interface LabelledLine {
  label: string;
  value: string;
  /** The line's index in the document. */
  line: number;
}

// A label is short and starts with a letter; a line like "Note: call me at 10:30" still parses,
// with "call me at 10:30" as its value (only the first colon separates).
const LABELLED_LINE = /^\s*([A-Za-z][A-Za-z0-9 _\-/#.()']{0,60}?)\s*:\s*(.*?)\s*$/;
const BULLET = /^\s*(?:[-*•·▪◦–]|\d{1,3}[.)])\s+(.+?)\s*$/;

/** "Line Items", "lineItems", "line_items" and "LINE-ITEMS" all read "line items". */
export function normaliseLabel(label: string): string {
  return label
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// Abbreviations column headers use for the words a schema spells out.
const ABBREVIATIONS: Record<string, string> = { qty: 'quantity', amt: 'amount', desc: 'description', no: 'number', nr: 'number', num: 'number', pct: 'percent' };
const expand = (words: string) => words.split(' ').map((word) => ABBREVIATIONS[word] ?? word).join(' ');

/** Whether a label names `name` (a schema property): by its words, or its words run together. */
export function labelMatches(label: string, name: string): boolean {
  const [a, b] = [expand(normaliseLabel(label)), expand(normaliseLabel(name))];
  return a === b || (a.replaceAll(' ', '') === b.replaceAll(' ', '') && a !== '');
}

export class DocumentLines {
  readonly lines: string[];
  readonly labelled: LabelledLine[];

  constructor(document: string) {
    this.lines = document.split(/\r?\n/);
    this.labelled = [];
    this.lines.forEach((text, line) => {
      const match = LABELLED_LINE.exec(text);
      // A label is one cell: "Qty  Price: 3" is a row of a table, not a label.
      if (!match?.[1] || /\s{2,}/.test(match[1]) || match[2] === undefined || match[2] === '') return;
      this.labelled.push({ label: match[1], value: match[2], line });
    });
  }

  /** The labelled lines within `[from, to)`. */
  labelledIn(from: number, to: number): LabelledLine[] {
    return this.labelled.filter((entry) => entry.line >= from && entry.line < to);
  }

  /**
   * A heading: a line that is only a name (`Line Items`, `Work experience:`), not a value or a row.
   * Returns the first at or after `from` (before `to`) that names `name`.
   */
  findHeading(name: string, from = 0, to = this.lines.length): number | undefined {
    for (let line = from; line < to; line += 1) {
      const text = (this.lines[line] ?? '').trim().replace(/:$/, '');
      if (text.length > 0 && text.length <= 60 && labelMatches(text, name)) return line;
    }
    return undefined;
  }

  /** Whether the line is blank. */
  blank(line: number): boolean {
    return (this.lines[line] ?? '').trim() === '';
  }

  /** Bullet items from `from` on, up to the first line that is neither a bullet nor blank, or `to`. */
  bulletsFrom(from: number, to = this.lines.length): string[] {
    const items: string[] = [];
    for (let line = from; line < to; line += 1) {
      const match = BULLET.exec(this.lines[line] ?? '');
      if (match?.[1]) items.push(match[1]);
      else if (!this.blank(line) || items.length > 0) break;
    }
    return items;
  }
}

/** A table row's cells: split by `|`, tabs, or runs of two or more spaces; one cell when none. */
export function splitCells(text: string): string[] {
  const trimmed = text.trim().replace(/^\||\|$/g, '');
  if (trimmed === '') return [];
  const separator = trimmed.includes('|') ? /\s*\|\s*/ : trimmed.includes('\t') ? /\s*\t\s*/ : /\s{2,}/;
  return trimmed.split(separator).map((cell) => cell.trim());
}

export interface Table {
  /** The header row's line index. */
  header: number;
  /** Column index → the property it fills. */
  columns: Map<number, string>;
  rows: string[][];
}

/**
 * The first table at or after `from` whose header row names at least two of `names` (or the only
 * one, when there is one): its rows are the lines below with about as many cells, up to a blank line
 * or a line of another shape. Separator rows (`---|---`) are skipped.
 */
export function findTable(lines: readonly string[], names: readonly string[], from = 0, to = lines.length): Table | undefined {
  const wanted = Math.min(2, names.length);
  for (let header = from; header < to; header += 1) {
    const cells = splitCells(lines[header] ?? '');
    if (cells.length < Math.max(2, wanted)) continue;
    const columns = new Map<number, string>();
    cells.forEach((cell, index) => {
      const name = names.find((candidate) => labelMatches(cell, candidate));
      if (name && ![...columns.values()].includes(name)) columns.set(index, name);
    });
    if (columns.size < wanted) continue;
    const rows: string[][] = [];
    for (let line = header + 1; line < to; line += 1) {
      const text = lines[line] ?? '';
      if (/^[\s|:+-]+$/.test(text) && text.includes('-')) continue;
      const row = splitCells(text);
      if (row.length < 2 || Math.abs(row.length - cells.length) > 1) break;
      rows.push(row);
    }
    return { header, columns, rows };
  }
  return undefined;
}
