import { useState } from 'preact/hooks';
import { entriesOf, typeLabel } from '../lib/schema-entries.ts';
import { CUSTOM, importedDraft, readDraft, templateDraft, type SchemaDraft } from '../lib/schema-draft.ts';
import { SCHEMA_TEMPLATES } from '../lib/schema-templates.ts';
import { Notice } from './notice.tsx';
import { SchemaEditor } from './schema-editor.tsx';

interface Props {
  draft: SchemaDraft;
  onChange: (draft: SchemaDraft) => void;
}

const templateSummary = (name: string) => {
  const draft = templateDraft(name);
  const read = readDraft(draft);
  if (!read.ok) return name;
  const entries = entriesOf(read.schema.root);
  const tables = entries.filter((entry) => entry.kind === 'rows').length;
  return `${name[0]!.toUpperCase()}${name.slice(1).replaceAll('_', ' ')} (${entries.length - tables} fields${tables ? `, ${tables} table${tables === 1 ? '' : 's'}` : ''})`;
};

/**
 * Chooses the extraction schema: a template (invoice, receipt, purchase order, résumé, contract —
 * each with its line items), a custom one built field by field, or a JSON Schema file imported as
 * published. The editor's problems are the server's own (the same parser), shown before sending.
 */
export function SchemaPicker({ draft, onChange }: Props) {
  const [importError, setImportError] = useState<string>();
  const read = readDraft(draft);
  const entries = read.ok ? entriesOf(read.schema.root) : [];

  async function importFile(file: File | undefined) {
    setImportError(undefined);
    if (!file) return;
    try {
      onChange(importedDraft(file.name, await file.text()));
    } catch (error) {
      setImportError((error as Error).message);
    }
  }

  return (
    <div class="schema-picker">
      <div class="row wrap">
        <label class="field grow">
          <span>Extraction schema</span>
          <select value={draft.form === 'fields' ? draft.template : 'imported'} onChange={(event) => onChange(templateDraft(event.currentTarget.value))}>
            {SCHEMA_TEMPLATES.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {templateSummary(candidate.name)}
              </option>
            ))}
            <option value={CUSTOM}>Custom…</option>
            {draft.form === 'json' && <option value="imported">Imported: {draft.file}</option>}
          </select>
        </label>
        <label class="field">
          <span>Import a JSON Schema</span>
          <input type="file" accept=".json,application/json" onChange={(event) => void importFile(event.currentTarget.files?.[0])} />
        </label>
      </div>
      {importError && <Notice kind="error">{importError}</Notice>}
      {!read.ok && (
        <Notice kind="error">
          The schema cannot be used yet:{' '}
          {read.issues
            .slice(0, 5)
            .map((issue) => `${issue.path || '(schema)'}: ${issue.message}`)
            .join('; ')}
        </Notice>
      )}
      {draft.form === 'fields' ? (
        <details class="disclosure">
          <summary>
            Edit schema fields <span class="muted small">({entries.map((entry) => entry.key).join(', ')})</span>
          </summary>
          <SchemaEditor schema={draft.schema} onChange={(schema) => onChange({ ...draft, schema })} />
        </details>
      ) : (
        <details class="disclosure" open>
          <summary>
            {String(draft.schema.name ?? draft.file)} <span class="muted small">imported from {draft.file}, as published</span>
          </summary>
          <ul class="schema-outline" aria-label="Imported schema">
            {entries.map((entry) => (
              <li key={entry.key} data-schema-path={entry.key}>
                <span class="mono">{entry.key}</span> <span class="muted small">{typeLabel(entry.node)}{entry.kind === 'rows' ? `: ${entry.columns.map((column) => column.name).join(', ')}` : ''}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
