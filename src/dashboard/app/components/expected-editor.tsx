import type { Drafts } from '../lib/corrections.ts';
import type { Entry } from '../lib/schema-entries.ts';
import { LeafInput } from './leaf-input.tsx';
import { RowsEditor } from './rows-editor.tsx';

interface Props {
  entries: readonly Entry[];
  drafts: Drafts;
  problems: Record<string, string>;
  onChange: (drafts: Drafts) => void;
}

/**
 * The values a person expects, so the run's accuracy is scored: a value per field, a list typed
 * comma-separated, and a table's rows typed row by row. What is left empty is not labelled (not
 * scored); a table is labelled only once its rows are being typed (zero rows then means "none").
 */
export function ExpectedEditor({ entries, drafts, problems, onChange }: Props) {
  const setText = (key: string, text: string) => onChange({ ...drafts, texts: { ...drafts.texts, [key]: text } });
  const lines = entries.filter((entry) => entry.kind === 'leaf' || entry.kind === 'list' || entry.kind === 'other');
  return (
    <>
      <div class="expected-grid">
        {lines.map((entry) => {
          const problem = problems[entry.key];
          return (
            <label class="field" key={entry.key}>
              <span>
                {entry.key} <span class="muted small">{entry.kind === 'leaf' ? entry.node.kind : entry.kind === 'list' ? 'list' : 'JSON'}</span>
              </span>
              {entry.kind === 'leaf' ? (
                <LeafInput node={entry.node} id={`expected-${entry.key}`} name={`expected-${entry.key}`} label={`Expected ${entry.key}`} value={drafts.texts[entry.key] ?? ''} invalid={Boolean(problem)} onInput={(text) => setText(entry.key, text)} />
              ) : (
                <input name={`expected-${entry.key}`} value={drafts.texts[entry.key] ?? ''} placeholder={entry.kind === 'list' ? 'comma-separated' : 'JSON'} onInput={(event) => setText(entry.key, event.currentTarget.value)} />
              )}
              {problem && <span class="bad small">{problem}</span>}
            </label>
          );
        })}
      </div>
      {entries.map((entry) => {
        if (entry.kind !== 'rows') return null;
        const rows = drafts.rows[entry.key];
        const setRows = (next: typeof rows) => {
          const all = { ...drafts.rows };
          if (next) all[entry.key] = next;
          else delete all[entry.key];
          onChange({ ...drafts, rows: all });
        };
        return (
          <div class="expected-rows" key={entry.key}>
            <strong>{entry.key}</strong>
            {rows ? (
              <>
                <RowsEditor entry={entry} rows={rows} problems={problems} onChange={setRows} prefix="expected" />
                <button type="button" class="button-ghost" onClick={() => setRows(undefined)}>
                  Leave {entry.key} unlabelled
                </button>
              </>
            ) : (
              <button type="button" class="button-secondary" onClick={() => setRows([])}>
                Label the rows of {entry.key}
              </button>
            )}
          </div>
        );
      })}
    </>
  );
}
