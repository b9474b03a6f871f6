import type { ExtractedField } from '../../../contract/item-detail.ts';
import { getAt } from '../../../contract/schema/json-pointer.ts';
import { rowDrafts, type Drafts } from '../lib/corrections.ts';
import { fieldValue } from '../lib/format.ts';
import { typeLabel, type Entry } from '../lib/schema-entries.ts';
import { factsOf } from '../lib/value-facts.ts';
import { Confidence, Validation } from './field-answer.tsx';
import { LeafInput } from './leaf-input.tsx';
import { RowsEditor } from './rows-editor.tsx';
import { RowsTable } from './rows-table.tsx';

interface Props {
  entry: Entry;
  /** The result's data (the model's, with a run's earlier corrections). */
  data: unknown;
  fields: Record<string, ExtractedField> | undefined;
  doubtful: boolean;
  drafts: Drafts;
  problems: Record<string, string>;
  onDrafts: (drafts: Drafts) => void;
  formId: string;
}

/** What the model said about one value: it, its confidence and whether the validator accepted it. */
function ModelAnswer({ name, found, value }: { name: string; found: ExtractedField | undefined; value: unknown }) {
  if (!found && value === undefined) return <span class="muted">no value</span>;
  return (
    <>
      <div class="value-cell">{fieldValue(value ?? found?.value)}</div>
      <div class="review-flags small">
        <Confidence name={name} answer={found} />
        <Validation answer={found} />
        {found?.corrected_by && (
          <span class="muted">
            corrected by {found.corrected_by}; model said {fieldValue(found.model_value)}
          </span>
        )}
      </div>
    </>
  );
}

/** One line of the review form: a value, a list, a table of rows, or JSON, with its correction. */
export function ReviewEntry({ entry, data, fields, doubtful, drafts, problems, onDrafts, formId }: Props) {
  const value = getAt(data, entry.pointer);
  const text = drafts.texts[entry.key] ?? '';
  const setText = (next: string) => onDrafts({ ...drafts, texts: { ...drafts.texts, [entry.key]: next } });
  const problem = problems[entry.key];
  const problemId = `${formId}-${entry.key}-problem`;
  const inputId = `correct-${entry.key}`;
  const header = (
    <div class="review-name">
      <strong>{entry.key}</strong>
      <div class="muted small">
        {typeLabel(entry.node)}
        {entry.required ? ' · required' : ''}
        {doubtful && <span class="tag tag-warn">doubtful</span>}
      </div>
    </div>
  );
  const className = `review-field${doubtful ? ' doubtful' : ''}${entry.kind === 'rows' ? ' review-rows' : ''}`;

  if (entry.kind === 'rows') {
    const rows = drafts.rows[entry.key];
    const setRows = (next: typeof rows) => {
      const all = { ...drafts.rows };
      if (next) all[entry.key] = next;
      else delete all[entry.key];
      onDrafts({ ...drafts, rows: all });
    };
    return (
      <li class={className} data-review-field={entry.key}>
        {header}
        <div class="review-table">
          {rows ? (
            <RowsEditor entry={entry} rows={rows} problems={problems} onChange={setRows} prefix="correct" />
          ) : (
            <RowsTable entry={entry} data={data} fields={fields} expected={null} scoring={undefined} />
          )}
          <button type="button" class="button-secondary" onClick={() => setRows(rows ? undefined : rowDrafts(value))}>
            {rows ? 'Keep the model’s rows' : `Correct the rows of ${entry.key}`}
          </button>
        </div>
      </li>
    );
  }

  return (
    <li class={className} data-review-field={entry.key}>
      {header}
      <div class="review-model">
        <div class="review-caption">Model’s value</div>
        <ModelAnswer name={entry.key} found={factsOf(fields, data, entry)} value={value} />
      </div>
      <div class="review-correction">
        <label class="review-caption" for={inputId}>
          Correction{entry.kind === 'list' ? ' (comma-separated)' : entry.kind === 'other' ? ' (JSON)' : ''}
        </label>
        {entry.kind === 'leaf' ? (
          <LeafInput
            node={entry.node}
            id={inputId}
            name={inputId}
            label={`Correct ${entry.key}`}
            value={text}
            invalid={Boolean(problem)}
            describedBy={problem ? problemId : undefined}
            emptyLabel="Keep the model’s value"
            placeholder="Keep the model’s value"
            onInput={setText}
          />
        ) : entry.kind === 'other' ? (
          <textarea id={inputId} name={inputId} aria-label={`Correct ${entry.key}`} rows={4} value={text} placeholder="Keep the model’s value" onInput={(event) => setText(event.currentTarget.value)} />
        ) : (
          <input
            id={inputId}
            name={inputId}
            aria-label={`Correct ${entry.key}`}
            aria-invalid={Boolean(problem) || undefined}
            aria-describedby={problem ? problemId : undefined}
            type="text"
            value={text}
            placeholder="comma, separated, values"
            autoComplete="off"
            onInput={(event) => setText(event.currentTarget.value)}
          />
        )}
        {problem && (
          <span id={problemId} class="bad small">
            {problem}
          </span>
        )}
      </div>
    </li>
  );
}
