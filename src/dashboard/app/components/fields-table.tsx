import type { ItemResult } from '../../../contract/item-detail.ts';
import { getAt } from '../../../contract/schema/json-pointer.ts';
import type { CanonicalSchema } from '../../../contract/schema/schema-node.ts';
import { fieldValue } from '../lib/format.ts';
import { entriesOf, typeLabel, type Entry } from '../lib/schema-entries.ts';
import { factsOf } from '../lib/value-facts.ts';
import { Confidence, Validation } from './field-answer.tsx';
import { DataTable, type Column } from './data-table.tsx';
import { RowsTable } from './rows-table.tsx';

interface Props {
  schema: CanonicalSchema;
  result: ItemResult | null;
  expected: Record<string, unknown> | null;
}

const none = <span class="muted">—</span>;

/**
 * The extracted values beside their confidence, the model that gave them, validation and, when
 * labelled, what was expected: a line per value (a nested object's values as `seller/name`, a list
 * of values on one line), then a table per list of rows. A value a reviewer corrected says so, with
 * what the model said.
 */
export function FieldsTable({ schema, result, expected }: Props) {
  const entries = entriesOf(schema.root);
  const data = result?.data ?? {};
  const facts = (entry: Entry) => factsOf(result?.fields, data, entry);
  const lines = entries.filter((entry) => entry.kind === 'leaf' || entry.kind === 'list');
  const columns: Array<Column<Entry> | false> = [
    {
      key: 'field',
      header: 'Field',
      rowHeader: true,
      cell: (entry) => (
        <>
          {entry.key}
          <div class="muted small">
            {typeLabel(entry.node)}
            {entry.required ? ' · required' : ''}
          </div>
        </>
      ),
    },
    {
      key: 'value',
      header: 'Value',
      cellClass: 'value-cell',
      cell: (entry) => {
        const value = getAt(data, entry.pointer);
        const answer = facts(entry);
        if (value === undefined && !answer) return none;
        return (
          <>
            {fieldValue(value ?? answer?.value)}
            {answer?.corrected_by && (
              <div class="corrected small">
                corrected by {answer.corrected_by}; model said {fieldValue(answer.model_value)}
              </div>
            )}
          </>
        );
      },
    },
    expected !== null && {
      key: 'expected',
      header: 'Expected',
      cellClass: 'value-cell',
      cell: (entry) => {
        const value = getAt(expected, entry.pointer);
        return value === undefined ? none : fieldValue(value);
      },
    },
    { key: 'confidence', header: 'Confidence', cell: (entry) => <Confidence name={entry.key} answer={facts(entry)} fallback={none} /> },
    { key: 'validated', header: 'Validated', cell: (entry) => <Validation answer={facts(entry)} fallback={none} /> },
    { key: 'model', header: 'Model', cellClass: 'mono small', cell: (entry) => facts(entry)?.model ?? '—' },
  ];
  const scoring = result?.scoring as Record<string, { correct?: boolean; method?: string }> | undefined;
  return (
    <>
      {lines.length > 0 && <DataTable rows={lines} columns={columns} rowKey={(entry) => entry.key} rowProps={(entry) => ({ 'data-field': entry.key })} />}
      {entries.map((entry) =>
        entry.kind === 'rows' ? (
          <RowsTable key={entry.key} entry={entry} data={data} fields={result?.fields} expected={expected} scoring={scoring} />
        ) : entry.kind === 'other' ? (
          <section key={entry.key} class="rows-card" data-rows={entry.key}>
            <h3>{entry.key}</h3>
            <pre class="value-cell json-value">{JSON.stringify(getAt(data, entry.pointer) ?? null, null, 2)}</pre>
          </section>
        ) : null,
      )}
    </>
  );
}
