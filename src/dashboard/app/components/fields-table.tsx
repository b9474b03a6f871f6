import type { ExtractedField } from '../../../contract/item-detail.ts';
import type { ExtractionField, ExtractionSchema, FieldValue } from '../../../contract/queue.ts';
import { fieldValue } from '../lib/format.ts';
import { Confidence, Validation } from './field-answer.tsx';
import { DataTable, type Column } from './data-table.tsx';

interface Props {
  schema: ExtractionSchema;
  fields: Record<string, ExtractedField> | undefined;
  expected: Record<string, FieldValue> | null;
}

const none = <span class="muted">—</span>;

/**
 * The extracted values beside their confidence, the model that gave them, validation and, when
 * labelled, what was expected. A value a reviewer corrected says so, with what the model said.
 */
export function FieldsTable({ schema, fields, expected }: Props) {
  const found = (field: ExtractionField) => fields?.[field.name];
  const columns: Array<Column<ExtractionField> | false> = [
    {
      key: 'field',
      header: 'Field',
      rowHeader: true,
      cell: (field) => (
        <>
          {field.name}
          <div class="muted small">
            {field.type}
            {field.required ? ' · required' : ''}
          </div>
        </>
      ),
    },
    {
      key: 'value',
      header: 'Value',
      cellClass: 'value-cell',
      cell: (field) => {
        const answer = found(field);
        if (!answer) return none;
        return (
          <>
            {fieldValue(answer.value)}
            {answer.corrected_by && (
              <div class="corrected small">
                corrected by {answer.corrected_by}; model said {fieldValue(answer.model_value)}
              </div>
            )}
          </>
        );
      },
    },
    expected !== null && { key: 'expected', header: 'Expected', cellClass: 'value-cell', cell: (field) => (field.name in expected ? fieldValue(expected[field.name]) : none) },
    { key: 'confidence', header: 'Confidence', cell: (field) => <Confidence name={field.name} answer={found(field)} fallback={none} /> },
    { key: 'validated', header: 'Validated', cell: (field) => <Validation answer={found(field)} fallback={none} /> },
    { key: 'model', header: 'Model', cellClass: 'mono small', cell: (field) => found(field)?.model ?? '—' },
  ];
  return <DataTable rows={schema.fields} columns={columns} rowKey={(field) => field.name} rowProps={(field) => ({ 'data-field': field.name })} />;
}
