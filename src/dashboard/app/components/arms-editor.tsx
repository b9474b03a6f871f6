import { useState } from 'preact/hooks';
import type { SavedConfiguration } from '../../../contract/configurations.ts';
import { CHAIN_STAGES } from '../../../contract/stages.ts';
import { shortId } from '../lib/format.ts';
import { ReorderableList } from './reorderable-list.tsx';

export const MIN_ARMS = 2;
export const MAX_ARMS = 5;

const stageModels = (configuration: SavedConfiguration) =>
  CHAIN_STAGES.map((stage) => `${stage}: ${(configuration.stage_models[stage] ?? []).join(' → ')}`).join(' · ');

interface Props {
  configurations: readonly SavedConfiguration[] | undefined;
  arms: string[];
  onChange: (arms: string[]) => void;
}

/** An experiment's configurations in order: the first is the control every other one is compared with. */
export function ArmsEditor({ configurations, arms, onChange }: Props) {
  const [adding, setAdding] = useState('');
  const byId = new Map((configurations ?? []).map((row) => [row.id, row]));
  const available = (configurations ?? []).filter((row) => !arms.includes(row.id));
  const nameOf = (id: string) => byId.get(id)?.name ?? id;

  return (
    <fieldset class="chain">
      <legend>
        Configurations <span class="muted">— {MIN_ARMS} to {MAX_ARMS}; the first is the control the others are compared with</span>
      </legend>
      {configurations === undefined ? (
        <p class="muted small">Loading…</p>
      ) : configurations.length < MIN_ARMS ? (
        <p class="muted small">
          An experiment needs at least two saved configurations. <a href="#/configurations">Build them first.</a>
        </p>
      ) : (
        arms.length === 0 && <p class="muted small">No configuration yet: add at least two.</p>
      )}
      <ReorderableList
        ids={arms}
        label="Configurations, control first"
        rank={(index) => String.fromCharCode(65 + index)}
        nameOf={nameOf}
        itemProps={(id) => ({ 'data-arm': nameOf(id) })}
        onChange={onChange}
        body={(id, index) => {
          const configuration = byId.get(id);
          return (
            <>
              <div>
                <strong>{configuration?.name ?? shortId(id)}</strong>
                {index === 0 ? <span class="tag">control</span> : <span class="tag tag-muted">challenger</span>}
              </div>
              {configuration && <div class="muted small mono experiment-models">{stageModels(configuration)}</div>}
            </>
          );
        }}
      />
      <div class="chain-add">
        <label class="sr-only" for="experiment-add-configuration">
          Add a configuration
        </label>
        <select id="experiment-add-configuration" value={adding} onChange={(event) => setAdding(event.currentTarget.value)} disabled={arms.length >= MAX_ARMS}>
          <option value="">Add a configuration…</option>
          {available.map((row) => (
            <option key={row.id} value={row.id}>
              {row.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          class="button-secondary"
          disabled={!adding || arms.length >= MAX_ARMS}
          onClick={() => {
            onChange([...arms, adding]);
            setAdding('');
          }}
        >
          Add configuration
        </button>
      </div>
    </fieldset>
  );
}
