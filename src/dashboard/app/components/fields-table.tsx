import { fieldValue, percent } from '../lib/format.ts';
import type { ExtractedField } from '../../../contract/item-detail.ts';
import type { ExtractionSchema, FieldValue } from '../../../contract/queue.ts';

interface Props {
  schema: ExtractionSchema;
  fields: Record<string, ExtractedField> | undefined;
  expected: Record<string, FieldValue> | null;
}

/**
 * The extracted values beside their confidence, the model that gave them, validation and, when
 * labelled, what was expected. A value a reviewer corrected says so, with what the model said.
 */
export function FieldsTable({ schema, fields, expected }: Props) {
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            {expected && <th scope="col">Expected</th>}
            <th scope="col">Confidence</th>
            <th scope="col">Validated</th>
            <th scope="col">Model</th>
          </tr>
        </thead>
        <tbody>
          {schema.fields.map((field) => {
            const found = fields?.[field.name];
            return (
              <tr key={field.name} data-field={field.name}>
                <th scope="row">
                  {field.name}
                  <div class="muted small">{field.type}{field.required ? ' · required' : ''}</div>
                </th>
                <td class="value-cell">
                  {found ? fieldValue(found.value) : <span class="muted">—</span>}
                  {found?.corrected_by && (
                    <div class="corrected small">
                      corrected by {found.corrected_by}; model said {fieldValue(found.model_value)}
                    </div>
                  )}
                </td>
                {expected && <td class="value-cell">{field.name in expected ? fieldValue(expected[field.name]) : <span class="muted">—</span>}</td>}
                <td>
                  {typeof found?.confidence === 'number' ? (
                    <span class="confidence">
                      <meter min={0} max={1} low={0.5} high={0.8} optimum={1} value={found.confidence} aria-label={`${field.name} confidence`} />
                      {percent(found.confidence, 0)}
                    </span>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
                <td>
                  {found?.validated === true ? (
                    <span class="ok">✓ valid</span>
                  ) : found?.validated === false ? (
                    <span class="bad">✗ disputed</span>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
                <td class="mono small">{found?.model ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
