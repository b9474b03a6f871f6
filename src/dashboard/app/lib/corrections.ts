import { isLeaf } from '../../../contract/schema/schema-node.ts';
import { leafText, parseLeafText, parseListText, type Entry } from './schema-entries.ts';

/*
 * What a person types into the review form or the expected values, turned into values of the
 * schema's shape by JSON Pointer: a value per line (empty keeps what is there), a list typed
 * comma-separated, a table edited row by row (sent whole, so rows can be added and removed), and
 * anything else as JSON.
 */

export interface RowDraft {
  /** The row as it was (values the table does not edit, such as nested objects, are kept). */
  base: Record<string, unknown>;
  /** Column → what is typed in its cell. */
  texts: Record<string, string>;
}

export interface Drafts {
  /** By entry key: the text of a value, a list or JSON. */
  texts: Record<string, string>;
  /** By entry key: the rows of a table being edited (absent: the table is left as it is). */
  rows: Record<string, RowDraft[]>;
}

export const NO_DRAFTS: Drafts = { texts: {}, rows: {} };

export function rowDrafts(rows: unknown): RowDraft[] {
  if (!Array.isArray(rows)) return [];
  return rows.map((row) => {
    const base = typeof row === 'object' && row !== null && !Array.isArray(row) ? (row as Record<string, unknown>) : {};
    return { base, texts: Object.fromEntries(Object.entries(base).filter(([, value]) => typeof value !== 'object' || value === null).map(([name, value]) => [name, leafText(value)])) };
  });
}

export interface Collected {
  /** Values by JSON Pointer. */
  values: Record<string, unknown>;
  /** Problems by entry key (a table's by `key/row/column`). */
  problems: Record<string, string>;
}

export function collectValues(entries: readonly Entry[], drafts: Drafts): Collected {
  const values: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const entry of entries) {
    const text = drafts.texts[entry.key] ?? '';
    switch (entry.kind) {
      case 'leaf': {
        const parsed = parseLeafText(entry.node, text);
        if (parsed?.ok) values[entry.pointer] = parsed.value;
        else if (parsed) problems[entry.key] = parsed.error;
        break;
      }
      case 'list': {
        const parsed = parseListText(entry.items, text);
        if (parsed?.ok) values[entry.pointer] = parsed.value;
        else if (parsed) problems[entry.key] = parsed.error;
        break;
      }
      case 'rows': {
        const rows = drafts.rows[entry.key];
        if (!rows) break;
        values[entry.pointer] = rows.map((row, index) => {
          const out: Record<string, unknown> = { ...row.base };
          for (const column of entry.columns) {
            if (!isLeaf(column.node)) continue;
            const parsed = parseLeafText(column.node, row.texts[column.name] ?? '');
            if (parsed && !parsed.ok) problems[`${entry.key}/${index}/${column.name}`] = parsed.error;
            out[column.name] = parsed?.ok ? parsed.value : null;
          }
          return out;
        });
        break;
      }
      case 'other':
        if (text.trim() === '') break;
        try {
          values[entry.pointer] = JSON.parse(text) as unknown;
        } catch {
          problems[entry.key] = 'Not JSON.';
        }
        break;
    }
  }
  return { values, problems };
}

/** How many entries have something typed (or a table being edited): what "accept as is" would drop. */
export function enteredCount(drafts: Drafts): number {
  return Object.values(drafts.texts).filter((text) => text.trim()).length + Object.keys(drafts.rows).length;
}

// The reviewer's name is remembered between visits: it is who they are, not a secret.
const REVIEWER_KEY = 'quarry.reviewer';

export function rememberedReviewer(): string {
  try {
    return localStorage.getItem(REVIEWER_KEY) ?? '';
  } catch {
    return '';
  }
}

export function rememberReviewer(name: string): void {
  try {
    localStorage.setItem(REVIEWER_KEY, name);
  } catch {
    // storage full or disabled: the name is asked for again next time
  }
}
