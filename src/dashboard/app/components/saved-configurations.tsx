import type { SavedConfiguration } from '../../../contract/configurations.ts';
import { CHAIN_STAGES } from '../../../contract/stages.ts';
import { dateTime } from '../lib/format.ts';
import { policySummary } from '../lib/run-policy.ts';

interface Props {
  saved: readonly SavedConfiguration[] | undefined;
  /** The one the queue processes with. */
  current: string | undefined;
  onUse: (row: SavedConfiguration) => void;
  /** What is wrong with a configuration's models: retired ones, ones retiring soon. */
  warningsOf: (row: SavedConfiguration) => string[];
}

/** The saved configurations, newest first: their chains, settings and limits, and the one in use. */
export function SavedConfigurations({ saved, current, onUse, warningsOf }: Props) {
  return (
    <section class="card" aria-labelledby="saved-title">
      <div class="card-header">
        <h2 id="saved-title">Saved</h2>
      </div>
      {saved === undefined ? (
        <p class="muted">Loading…</p>
      ) : saved.length === 0 ? (
        <p class="muted">Nothing saved yet. Build one and save it: the queue processes with it.</p>
      ) : (
        <ul class="saved-list">
          {saved.map((row) => (
            <li key={row.id} class={row.id === current ? 'saved current' : 'saved'} data-configuration={row.name ?? ''}>
              <div class="saved-main">
                <strong>{row.name}</strong>
                {row.id === current && <span class="tag">in use</span>}
                <div class="muted small">{CHAIN_STAGES.map((stage) => `${stage}: ${row.stage_models[stage].join(' → ')}`).join(' · ')}</div>
                <div class="muted small">
                  temperature {row.temperature} · orchestrator {row.orchestrator_model} · saved {dateTime(row.created_at)}
                </div>
                <div class="muted small" data-policy>
                  {policySummary(row).join(' · ')}
                </div>
                {warningsOf(row).map((warning) => (
                  <div key={warning} class="model-warning small" role="note">
                    {warning}
                  </div>
                ))}
              </div>
              <button type="button" class="button-secondary" onClick={() => onUse(row)} aria-label={`Use ${row.name}`}>
                Use
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
