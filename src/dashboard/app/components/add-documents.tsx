import { useState } from 'preact/hooks';
import { applyCorrections } from '../../../contract/schema/corrections.ts';
import { api, describeError } from '../lib/api.ts';
import { collectValues, NO_DRAFTS, type Drafts } from '../lib/corrections.ts';
import { ACCEPTED_FILES, ACCEPTED_LABELS, base64Of, mimeTypeOf } from '../lib/documents.ts';
import { readDraft, templateDraft, type SchemaDraft } from '../lib/schema-draft.ts';
import { entriesOf } from '../lib/schema-entries.ts';
import { SCHEMA_TEMPLATES } from '../lib/schema-templates.ts';
import { BatchCreatedSchema, ItemCreatedSchema } from '../../../contract/queue.ts';
import { ExpectedEditor } from './expected-editor.tsx';
import { Notice } from './notice.tsx';
import { SchemaPicker } from './schema-picker.tsx';

type Mode = 'paste' | 'upload';

/**
 * Queues documents: pasted text (optionally with the values a person expects, so accuracy is scored)
 * or several files at once (PDF, scans and photos as PNG, JPEG or TIFF, HTML, DOCX, text), all under one
 * extraction schema. Files are stored as they are; each is read when its item's run starts.
 */
export function AddDocuments({ onAdded }: { onAdded: (ids: string[]) => void }) {
  const [mode, setMode] = useState<Mode>('paste');
  const [draft, setDraft] = useState<SchemaDraft>(() => templateDraft(SCHEMA_TEMPLATES[0]!.name));
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [expected, setExpected] = useState<Drafts>(NO_DRAFTS);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string }>();

  const read = readDraft(draft);
  const entries = read.ok ? entriesOf(read.schema.root) : [];
  const labelled = collectValues(entries, expected);
  const schema = draft.schema;
  const pickSchema = (next: SchemaDraft) => {
    setDraft(next);
    setExpected(NO_DRAFTS);
  };

  async function submit(event: Event) {
    event.preventDefault();
    setMessage(undefined);
    setBusy(true);
    try {
      let ids: string[];
      if (mode === 'paste') {
        if (Object.keys(labelled.problems).length > 0) throw new Error('Some expected values are not values of their fields.');
        const values = Object.keys(labelled.values).length > 0 ? applyCorrections({}, labelled.values) : undefined;
        const created = await api('POST', '/queue', ItemCreatedSchema, { document: { text }, schema, ...(values ? { expected: values } : {}) });
        ids = [created.id];
        setText('');
        setExpected(NO_DRAFTS);
      } else {
        const unsupported = files.filter((file) => !mimeTypeOf(file));
        if (unsupported.length) throw new Error(`not a format Quarry reads (${ACCEPTED_LABELS}): ${unsupported.map((file) => file.name).join(', ')}`);
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

  const ready = read.ok && (mode === 'paste' ? text.trim().length > 0 : files.length > 0);

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
          <span>Files to extract from, several at once: {ACCEPTED_LABELS}. Scans and photos are read by OCR.</span>
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

      <SchemaPicker draft={draft} onChange={pickSchema} />

      {mode === 'paste' && (
        <details class="disclosure">
          <summary>
            Expected values <span class="muted small">(optional — scores accuracy when the run finishes)</span>
          </summary>
          <ExpectedEditor entries={entries} drafts={expected} problems={labelled.problems} onChange={setExpected} />
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
