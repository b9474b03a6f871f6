import type { ExtractedField } from '../../../contract/item-detail.ts';
import { childPointer, getAt } from '../../../contract/schema/json-pointer.ts';
import { fieldValue } from '../lib/format.ts';
import type { Entry } from '../lib/schema-entries.ts';
import { factsTitle } from '../lib/value-facts.ts';
import { DataTable, type Column } from './data-table.tsx';

type RowsEntry = Extract<Entry, { kind: 'rows' }>;
type Row = { index: number; value: Record<string, unknown> };
type Scoring = Record<string, { correct?: boolean; method?: string } | undefined>;

const rowsOf = (value: unknown): Row[] =>
  (Array.isArray(value) ? value : []).map((row, index) => ({ index, value: typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {} }));

/**
 * A list of rows (line items, jobs) as a table: the extracted rows, each value marked when the
 * validator rejected it or a reviewer corrected it (its confidence and model on hover); and, for a
 * labelled item, the expected rows with each value scored right or wrong — rows are matched to the
 * extracted ones by content, not position, so the two tables need not line up.
 */
export function RowsTable({ entry, data, fields, expected, scoring }: { entry: RowsEntry; data: unknown; fields: Record<string, ExtractedField> | undefined; expected: unknown; scoring: Scoring | undefined }) {
  const columnsFor = (facts: (pointer: string) => { class?: string; title?: string; mark?: string }): Array<Column<Row>> => [
    { key: '#', header: '#', numeric: true, cellClass: 'muted', cell: (row) => row.index + 1 },
    ...entry.columns.map(
      (column): Column<Row> => ({
        key: column.name,
        header: column.name,
        cellClass: 'value-cell',
        cell: (row) => {
          const pointer = childPointer(childPointer(entry.pointer, row.index), column.name);
          const shown = facts(pointer);
          return (
            <span class={shown.class} title={shown.title} data-pointer={pointer}>
              {fieldValue(row.value[column.name])}
              {shown.mark && <span class={shown.mark === '✓' ? 'ok' : 'bad'}> {shown.mark}</span>}
            </span>
          );
        },
      }),
    ),
  ];
  const extracted = rowsOf(getAt(data, entry.pointer));
  const wanted = expected === null || expected === undefined ? undefined : getAt(expected, entry.pointer);
  const extra = Object.entries(scoring ?? {}).filter(([pointer, score]) => score?.method === 'extra' && pointer.startsWith(`${entry.pointer}/`)).length;
  return (
    <section class="rows-card" data-rows={entry.key} aria-label={`${entry.key} table`}>
      <h3>
        {entry.key} <span class="muted small">{extracted.length} row{extracted.length === 1 ? '' : 's'}</span>
      </h3>
      <DataTable
        compact
        name={`rows-${entry.key}`}
        rows={extracted}
        rowKey={(row) => row.index}
        rowProps={(row) => ({ 'data-row': row.index })}
        columns={columnsFor((pointer) => {
          const facts = fields?.[pointer];
          return { class: facts?.corrected_by ? 'corrected-cell' : facts?.validated === false ? 'doubtful-cell' : undefined, title: factsTitle(facts) };
        })}
      />
      {wanted !== undefined && (
        <>
          <h4 class="muted small">
            Expected{scoring ? ' — each value scored against the extracted row that matches it best' : ''}
            {extra > 0 && `; ${extra} extracted row${extra === 1 ? '' : 's'} matched none`}
          </h4>
          <DataTable
            compact
            name={`expected-${entry.key}`}
            rows={rowsOf(wanted)}
            rowKey={(row) => row.index}
            columns={columnsFor((pointer) => {
              const score = scoring?.[pointer];
              return score?.correct === undefined ? {} : { mark: score.correct ? '✓' : '✗' };
            })}
          />
        </>
      )}
    </section>
  );
}
