import { FIELD_TYPES, type ExtractionField as SchemaField, type ExtractionSchema, type FieldType } from '../../../contract/queue.ts';
import { DataTable, type Column } from './data-table.tsx';

interface Props {
  schema: ExtractionSchema;
  onChange: (schema: ExtractionSchema) => void;
}

type Row = { field: SchemaField; index: number };

/** Edits an extraction schema: its name and fields (name, type, required, description, enum values). */
export function SchemaEditor({ schema, onChange }: Props) {
  const setField = (index: number, patch: Partial<SchemaField>) =>
    onChange({ ...schema, fields: schema.fields.map((field, at) => (at === index ? { ...field, ...patch } : field)) });
  const label = (index: number, what: string) => `Field ${index + 1} ${what}`;

  const columns: Array<Column<Row>> = [
    {
      key: 'name',
      header: 'Field',
      cell: ({ field, index }) => (
        <input aria-label={label(index, 'name')} value={field.name} pattern="[A-Za-z_][A-Za-z0-9_]{0,63}" onInput={(event) => setField(index, { name: event.currentTarget.value })} required />
      ),
    },
    {
      key: 'type',
      header: 'Type',
      cell: ({ field, index }) => (
        <>
          <select
            aria-label={label(index, 'type')}
            value={field.type}
            onChange={(event) => {
              const type = event.currentTarget.value as FieldType;
              setField(index, { type, values: type === 'enum' ? (field.values ?? ['yes', 'no']) : undefined });
            }}
          >
            {FIELD_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
          {field.type === 'enum' && (
            <input
              class="enum-values"
              aria-label={label(index, 'allowed values, comma-separated')}
              value={(field.values ?? []).join(', ')}
              onInput={(event) => setField(index, { values: event.currentTarget.value.split(',').map((value) => value.trim()).filter(Boolean) })}
            />
          )}
        </>
      ),
    },
    {
      key: 'required',
      header: 'Required',
      cellClass: 'center',
      cell: ({ field, index }) => (
        <input type="checkbox" aria-label={label(index, 'required')} checked={field.required} onChange={(event) => setField(index, { required: event.currentTarget.checked })} />
      ),
    },
    {
      key: 'description',
      header: 'Description',
      cell: ({ field, index }) => <input aria-label={label(index, 'description')} value={field.description} onInput={(event) => setField(index, { description: event.currentTarget.value })} />,
    },
    {
      key: 'remove',
      header: <span class="sr-only">Remove</span>,
      cell: ({ field, index }) => (
        <button
          type="button"
          class="icon-button danger"
          disabled={schema.fields.length === 1}
          aria-label={`Remove field ${field.name || index + 1}`}
          onClick={() => onChange({ ...schema, fields: schema.fields.filter((_, at) => at !== index) })}
        >
          ×
        </button>
      ),
    },
  ];

  return (
    <div class="schema-editor">
      <label class="field">
        <span>Schema name</span>
        <input value={schema.name} onInput={(event) => onChange({ ...schema, name: event.currentTarget.value })} required maxLength={200} />
      </label>
      <DataTable compact rows={schema.fields.map((field, index) => ({ field, index }))} columns={columns} rowKey={(row) => row.index} />
      <button
        type="button"
        class="button-secondary"
        onClick={() => onChange({ ...schema, fields: [...schema.fields, { name: '', type: 'string', description: '', required: false }] })}
      >
        Add field
      </button>
    </div>
  );
}
