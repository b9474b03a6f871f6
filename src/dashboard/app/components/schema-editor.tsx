import { tryParseExtractionSchema } from '../../../contract/schema/parse-schema.ts';
import { SIMPLE_FIELD_TYPES, type SimpleFieldInput, type SimpleFieldType } from '../../../contract/schema/simple-form.ts';
import type { SimpleSchemaDraft } from '../lib/schema-templates.ts';
import { DataTable, type Column } from './data-table.tsx';

interface Props {
  schema: SimpleSchemaDraft;
  onChange: (schema: SimpleSchemaDraft) => void;
}

type Row = { field: SimpleFieldInput; index: number };

/** What a list holds, as the editor offers it: a type of value, or rows with fields of their own. */
const ITEM_KINDS = ['string', 'number', 'integer', 'boolean', 'date', 'enum', 'rows'] as const;
type ItemKind = (typeof ITEM_KINDS)[number];

function itemKindOf(items: SimpleFieldInput['items']): ItemKind {
  if (items === undefined) return 'string';
  if (typeof items === 'string') return items;
  return 'fields' in items ? 'rows' : items.type;
}

function itemsFor(kind: ItemKind): SimpleFieldInput['items'] {
  if (kind === 'rows') return { fields: [{ name: 'name', type: 'string' }] };
  if (kind === 'enum') return { type: 'enum', values: ['yes', 'no'] };
  return kind;
}

const splitValues = (text: string) => text.split(',').map((value) => value.trim()).filter(Boolean);

/** A field's type changed: keep what still applies, start what the new type needs. */
function retyped(field: SimpleFieldInput, type: SimpleFieldType): SimpleFieldInput {
  const { values: _values, fields: _fields, items: _items, ...rest } = field;
  if (type === 'enum') return { ...rest, type, values: field.values ?? ['yes', 'no'] };
  if (type === 'object') return { ...rest, type, fields: field.fields ?? [{ name: 'name', type: 'string' }] };
  if (type === 'list') return { ...rest, type, items: field.items ?? 'string' };
  return { ...rest, type };
}

/**
 * The fields of one level (the schema's, an object's, or a list's rows), each with a nested editor
 * under it for an object's fields and a list's rows. Inputs are labelled by their place:
 * `Field 2 name`, `Field 2.1 name` for the first field inside field 2.
 */
function FieldList({ fields, path, onChange }: { fields: SimpleFieldInput[]; path: string; onChange: (fields: SimpleFieldInput[]) => void }) {
  const place = (index: number) => `${path}${index + 1}`;
  const label = (index: number, what: string) => `Field ${place(index)} ${what}`;
  const setField = (index: number, next: SimpleFieldInput) => onChange(fields.map((field, at) => (at === index ? next : field)));
  const columns: Array<Column<Row>> = [
    {
      key: 'name',
      header: 'Field',
      cell: ({ field, index }) => (
        <input aria-label={label(index, 'name')} value={field.name} pattern="[A-Za-z_][A-Za-z0-9_]{0,63}" onInput={(event) => setField(index, { ...field, name: event.currentTarget.value })} required />
      ),
    },
    {
      key: 'type',
      header: 'Type',
      cell: ({ field, index }) => (
        <>
          <select aria-label={label(index, 'type')} value={field.type} onChange={(event) => setField(index, retyped(field, event.currentTarget.value as SimpleFieldType))}>
            {SIMPLE_FIELD_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
          {field.type === 'enum' && (
            <input class="enum-values" aria-label={label(index, 'allowed values, comma-separated')} value={(field.values ?? []).join(', ')} onInput={(event) => setField(index, { ...field, values: splitValues(event.currentTarget.value) })} />
          )}
          {field.type === 'list' && (
            <select class="enum-values" aria-label={label(index, 'list of')} value={itemKindOf(field.items)} onChange={(event) => setField(index, { ...field, items: itemsFor(event.currentTarget.value as ItemKind) })}>
              {ITEM_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kind === 'rows' ? 'rows (a table)' : `${kind} values`}
                </option>
              ))}
            </select>
          )}
          {field.type === 'list' && typeof field.items === 'object' && !('fields' in field.items) && field.items.type === 'enum' && (
            <input
              class="enum-values"
              aria-label={label(index, 'allowed item values, comma-separated')}
              value={(field.items.values ?? []).join(', ')}
              onInput={(event) => setField(index, { ...field, items: { type: 'enum', values: splitValues(event.currentTarget.value) } })}
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
        <input type="checkbox" aria-label={label(index, 'required')} checked={field.required ?? false} onChange={(event) => setField(index, { ...field, required: event.currentTarget.checked })} />
      ),
    },
    {
      key: 'description',
      header: 'Description',
      cell: ({ field, index }) => <input aria-label={label(index, 'description')} value={field.description ?? ''} onInput={(event) => setField(index, { ...field, description: event.currentTarget.value })} />,
    },
    {
      key: 'remove',
      header: <span class="sr-only">Remove</span>,
      cell: ({ field, index }) => (
        <button type="button" class="icon-button danger" disabled={fields.length === 1} aria-label={`Remove field ${field.name || place(index)}`} onClick={() => onChange(fields.filter((_, at) => at !== index))}>
          ×
        </button>
      ),
    },
  ];
  const nested = ({ field, index }: Row) => {
    const inner = field.type === 'object' ? field.fields : typeof field.items === 'object' && 'fields' in field.items ? field.items.fields : undefined;
    if (!inner) return null;
    const setInner = (next: SimpleFieldInput[]) => setField(index, field.type === 'object' ? { ...field, fields: next } : { ...field, items: { fields: next } });
    return (
      <tr class="nested-fields">
        <td colSpan={5}>
          <div class="nested-caption muted small">{field.type === 'object' ? `Fields of ${field.name || place(index)}` : `Columns of each row of ${field.name || place(index)}`}</div>
          <FieldList fields={inner} path={`${place(index)}.`} onChange={setInner} />
        </td>
      </tr>
    );
  };
  return (
    <div class="field-list">
      <DataTable compact rows={fields.map((field, index) => ({ field, index }))} columns={columns} rowKey={(row) => row.index} after={nested} />
      <button type="button" class="button-secondary" onClick={() => onChange([...fields, { name: '', type: 'string', description: '', required: false }])}>
        {path ? `Add a field to ${path.slice(0, -1)}` : 'Add field'}
      </button>
    </div>
  );
}

/** A rule naming a field that was renamed or removed no longer applies: it is dropped with it. */
function withApplicableRules(schema: SimpleSchemaDraft): SimpleSchemaDraft {
  if (!schema.rules?.length) return schema;
  const rules = schema.rules.filter((rule) => {
    const parsed = tryParseExtractionSchema({ name: schema.name || 'x', fields: schema.fields, rules: [rule] });
    return parsed.ok || !parsed.issues.some((issue) => issue.path.startsWith('/rules'));
  });
  return { ...schema, rules };
}

/**
 * Edits an extraction schema in the simple form: its name and fields — values, enums, objects with
 * fields of their own, lists of values and lists of rows (tables) — to any depth. The schema's
 * validation rules travel with it unchanged.
 */
export function SchemaEditor({ schema, onChange }: Props) {
  return (
    <div class="schema-editor">
      <label class="field">
        <span>Schema name</span>
        <input value={schema.name} onInput={(event) => onChange({ ...schema, name: event.currentTarget.value })} required maxLength={200} />
      </label>
      <FieldList fields={schema.fields} path="" onChange={(fields) => onChange(withApplicableRules({ ...schema, fields }))} />
      {(schema.rules?.length ?? 0) > 0 && (
        <p class="muted small">
          Checked after extraction: {schema.rules!.map((rule) => rule.message ?? rule.type).join('; ')}.
        </p>
      )}
    </div>
  );
}
