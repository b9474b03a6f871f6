import { FIELD_TYPES, type ExtractionField as SchemaField, type ExtractionSchema, type FieldType } from '../../../contract/queue.ts';

interface Props {
  schema: ExtractionSchema;
  onChange: (schema: ExtractionSchema) => void;
}

/** Edits an extraction schema: its name and fields (name, type, required, description, enum values). */
export function SchemaEditor({ schema, onChange }: Props) {
  const setField = (index: number, patch: Partial<SchemaField>) =>
    onChange({ ...schema, fields: schema.fields.map((field, at) => (at === index ? { ...field, ...patch } : field)) });

  return (
    <div class="schema-editor">
      <label class="field">
        <span>Schema name</span>
        <input value={schema.name} onInput={(event) => onChange({ ...schema, name: event.currentTarget.value })} required maxLength={200} />
      </label>
      <div class="table-wrap">
        <table class="table compact">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Type</th>
              <th scope="col">Required</th>
              <th scope="col">Description</th>
              <th scope="col">
                <span class="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {schema.fields.map((field, index) => (
              <tr key={index}>
                <td>
                  <input
                    aria-label={`Field ${index + 1} name`}
                    value={field.name}
                    pattern="[A-Za-z_][A-Za-z0-9_]{0,63}"
                    onInput={(event) => setField(index, { name: event.currentTarget.value })}
                    required
                  />
                </td>
                <td>
                  <select
                    aria-label={`Field ${index + 1} type`}
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
                      aria-label={`Field ${index + 1} allowed values, comma-separated`}
                      value={(field.values ?? []).join(', ')}
                      onInput={(event) =>
                        setField(index, { values: event.currentTarget.value.split(',').map((value) => value.trim()).filter(Boolean) })
                      }
                    />
                  )}
                </td>
                <td class="center">
                  <input
                    type="checkbox"
                    aria-label={`Field ${index + 1} required`}
                    checked={field.required}
                    onChange={(event) => setField(index, { required: event.currentTarget.checked })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Field ${index + 1} description`}
                    value={field.description}
                    onInput={(event) => setField(index, { description: event.currentTarget.value })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    class="icon-button danger"
                    disabled={schema.fields.length === 1}
                    aria-label={`Remove field ${field.name || index + 1}`}
                    onClick={() => onChange({ ...schema, fields: schema.fields.filter((_, at) => at !== index) })}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
