import { isLeaf } from '../../../contract/schema/schema-node.ts';
import type { RowDraft } from '../lib/corrections.ts';
import type { Entry } from '../lib/schema-entries.ts';
import { LeafInput } from './leaf-input.tsx';

type RowsEntry = Extract<Entry, { kind: 'rows' }>;

interface Props {
  entry: RowsEntry;
  rows: RowDraft[];
  /** Problems by `key/row/column`. */
  problems: Record<string, string>;
  onChange: (rows: RowDraft[]) => void;
  /** Prefix of the inputs' names and labels (`correct`, `expected`). */
  prefix: string;
}

/**
 * A table editor for a list of rows (line items, jobs, table rows): a cell per value of each row,
 * rows added and removed; the edited list replaces the whole list.
 */
export function RowsEditor({ entry, rows, problems, onChange, prefix }: Props) {
  const columns = entry.columns.filter((column) => isLeaf(column.node));
  const setCell = (index: number, column: string, text: string) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, texts: { ...row.texts, [column]: text } } : row)));
  return (
    <div class="rows-editor" data-rows-editor={entry.key}>
      <div class="table-wrap">
        <table class="table compact">
          <thead>
            <tr>
              <th scope="col" class="num">#</th>
              {columns.map((column) => (
                <th key={column.name} scope="col">
                  {column.name}
                </th>
              ))}
              <th scope="col">
                <span class="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index} data-row={index}>
                <td class="num muted">{index + 1}</td>
                {columns.map((column) => {
                  const problem = problems[`${entry.key}/${index}/${column.name}`];
                  const id = `${prefix}-${entry.key}-${index}-${column.name}`;
                  return (
                    <td key={column.name}>
                      <LeafInput
                        node={column.node}
                        id={id}
                        name={id}
                        label={`${prefix === 'correct' ? 'Correct' : 'Expected'} ${entry.key} row ${index + 1} ${column.name}`}
                        value={row.texts[column.name] ?? ''}
                        invalid={Boolean(problem)}
                        describedBy={problem ? `${id}-problem` : undefined}
                        onInput={(text) => setCell(index, column.name, text)}
                      />
                      {problem && (
                        <span id={`${id}-problem`} class="bad small">
                          {problem}
                        </span>
                      )}
                    </td>
                  );
                })}
                <td>
                  <button type="button" class="icon-button danger" aria-label={`Remove ${entry.key} row ${index + 1}`} onClick={() => onChange(rows.filter((_, at) => at !== index))}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" class="button-secondary" onClick={() => onChange([...rows, { base: {}, texts: {} }])}>
        Add a row to {entry.key}
      </button>
    </div>
  );
}
