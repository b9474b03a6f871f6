import { useState } from 'preact/hooks';
import { api, describeError } from '../lib/api.ts';
import { ACCEPTED_FILES, base64Of, expectedValues, mimeTypeOf } from '../lib/documents.ts';
import { SCHEMA_TEMPLATES, cloneSchema } from '../lib/schema-templates.ts';
import { BatchCreatedSchema, ItemCreatedSchema, type ExtractionSchema } from '../../../contract/queue.ts';
import { Notice } from './notice.tsx';
import { SchemaEditor } from './schema-editor.tsx';

type Mode = 'paste' | 'upload';

/**
 * Queues documents: pasted text (optionally with the values a person expects, so accuracy is scored)
 * or several PDF, HTML or text files at once, all under one extraction schema.
 */
export function AddDocuments({ onAdded }: { onAdded: (ids: string[]) => void }) {
  const [mode, setMode] = useState<Mode>('paste');
  const [template, setTemplate] = useState('invoice');
  const [schema, setSchema] = useState<ExtractionSchema>(() => cloneSchema(SCHEMA_TEMPLATES[0]!));
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [expected, setExpected] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string }>();

  const pickTemplate = (name: string) => {
    setTemplate(name);
    const found = SCHEMA_TEMPLATES.find((candidate) => candidate.name === name);
    setSchema(found ? cloneSchema(found) : { name: 'custom', fields: [{ name: 'title', type: 'string', description: '', required: true }] });
    setExpected({});
  };

  async function submit(event: Event) {
    event.preventDefault();
    setMessage(undefined);
    setBusy(true);
    try {
      let ids: string[];
      if (mode === 'paste') {
        const values = expectedValues(schema, expected);
        const created = await api('POST', '/queue', ItemCreatedSchema, { document: { text }, schema, ...(values ? { expected: values } : {}) });
        ids = [created.id];
        setText('');
        setExpected({});
      } else {
        const unsupported = files.filter((file) => !mimeTypeOf(file));
        if (unsupported.length) throw new Error(`not a PDF, HTML or text file: ${unsupported.map((file) => file.name).join(', ')}`);
        const items = await Promise.all(
          files.map(async (file) => ({
            document: { content_base64: await base64Of(file), mime_type: mimeTypeOf(file), filename: file.name },
            schema,
          })),
        );
        ids = (await api('POST', '/queue/batch', BatchCreatedSchema, { items })).ids;
        setFiles([]);
      }
      setMessage({ kind: 'success', text: `Added ${ids.length} document${ids.length === 1 ? '' : 's'} to the queue.` });
      onAdded(ids);
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  const ready = mode === 'paste' ? text.trim().length > 0 : files.length > 0;

  return (
    <form class="card add-documents" onSubmit={submit} aria-labelledby="add-documents-title">
      <div class="card-header">
        <h2 id="add-documents-title">Add documents</h2>
        <div class="segmented" role="tablist" aria-label="How to add documents">
          <button type="button" role="tab" aria-selected={mode === 'paste'} class={mode === 'paste' ? 'active' : ''} onClick={() => setMode('paste')}>
            Paste text
          </button>
          <button type="button" role="tab" aria-selected={mode === 'upload'} class={mode === 'upload' ? 'active' : ''} onClick={() => setMode('upload')}>
            Upload files
          </button>
        </div>
      </div>

      {mode === 'paste' ? (
        <label class="field">
          <span>Document text</span>
          <textarea
            name="document-text"
            rows={7}
            value={text}
            placeholder={'Invoice Number: INV-42\nVendor Name: Acme GmbH\nIssue Date: 2026-03-04\nTotal Amount: $1,234.50'}
            onInput={(event) => setText(event.currentTarget.value)}
          />
        </label>
      ) : (
        <label class="field dropzone">
          <span>PDF, HTML or text files (several at once)</span>
          <input type="file" multiple accept={ACCEPTED_FILES} onChange={(event) => setFiles([...(event.currentTarget.files ?? [])])} />
          {files.length > 0 && (
            <ul class="file-list">
              {files.map((file) => (
                <li key={file.name}>
                  {file.name} <span class="muted small">({Math.ceil(file.size / 1024)} KB)</span>
                </li>
              ))}
            </ul>
          )}
        </label>
      )}

      <div class="row wrap">
        <label class="field grow">
          <span>Extraction schema</span>
          <select value={template} onChange={(event) => pickTemplate(event.currentTarget.value)}>
            {SCHEMA_TEMPLATES.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name[0]!.toUpperCase() + candidate.name.slice(1)} ({candidate.fields.length} fields)
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
      </div>
      <details class="disclosure">
        <summary>
          Edit schema fields <span class="muted small">({schema.fields.map((field) => field.name).join(', ')})</span>
        </summary>
        <SchemaEditor schema={schema} onChange={setSchema} />
      </details>

      {mode === 'paste' && (
        <details class="disclosure">
          <summary>
            Expected values <span class="muted small">(optional — scores accuracy when the run finishes)</span>
          </summary>
          <div class="expected-grid">
            {schema.fields
              .filter((field) => field.name)
              .map((field) => (
                <label class="field" key={field.name}>
                  <span>
                    {field.name} <span class="muted small">{field.type}</span>
                  </span>
                  <input
                    name={`expected-${field.name}`}
                    value={expected[field.name] ?? ''}
                    placeholder={field.type === 'list' ? 'comma-separated' : field.type === 'boolean' ? 'yes / no' : ''}
                    onInput={(event) => setExpected({ ...expected, [field.name]: event.currentTarget.value })}
                  />
                </label>
              ))}
          </div>
        </details>
      )}

      {message && (
        <Notice kind={message.kind} onDismiss={() => setMessage(undefined)}>
          {message.text}
        </Notice>
      )}
      <div class="actions">
        <button type="submit" class="button-primary" disabled={!ready || busy}>
          {busy ? 'Adding…' : mode === 'paste' ? 'Add to queue' : `Add ${files.length || ''} file${files.length === 1 ? '' : 's'} to queue`}
        </button>
      </div>
    </form>
  );
}
