import { useState } from 'preact/hooks';
import type { CatalogEntry as CatalogModel } from '../../../contract/catalog.ts';
import { contextWindow, pricePerMtok } from '../lib/format.ts';
import { retirementWarning } from '../lib/model-notes.ts';
import { ReorderableList } from './reorderable-list.tsx';

interface Props {
  stage: string;
  description: string;
  chain: string[];
  models: CatalogModel[];
  onChange: (chain: string[]) => void;
}

/**
 * One stage's ordered fallback chain: the primary model first, then the models the stage falls back
 * to when one's attempts are spent.
 */
export function ModelChainEditor({ stage, description, chain, models, onChange }: Props) {
  const available = models.filter((model) => !chain.includes(model.id));
  const [adding, setAdding] = useState('');
  const byId = new Map(models.map((model) => [model.id, model]));
  const selectId = `add-${stage}`;

  return (
    <fieldset class="chain">
      <legend>
        <span class="chain-stage">{stage}</span>
        <span class="muted"> — {description}</span>
      </legend>
      {chain.length === 0 && <p class="muted small">No model yet: add at least one.</p>}
      <ReorderableList
        ids={chain}
        label={`${stage} models, in fallback order`}
        rank={(index) => String(index + 1)}
        nameOf={(id) => id}
        itemProps={(id) => ({ 'data-model': id })}
        onChange={onChange}
        body={(id, index) => {
          const model = byId.get(id);
          const warning = model && retirementWarning(model);
          return (
            <>
              <div>
                <strong>{model?.display_name ?? id}</strong> <span class={`provider provider-${model?.provider ?? 'unknown'}`}>{model?.provider ?? 'unknown'}</span>
                {index === 0 ? <span class="tag">primary</span> : <span class="tag tag-muted">fallback {index}</span>}
              </div>
              {model && (
                <div class="muted small">
                  {pricePerMtok(model.input_usd_per_mtok)} in · {pricePerMtok(model.output_usd_per_mtok)} out per 1M tokens · {contextWindow(model.context_window)} context
                  {!model.accepts_temperature && ' · temperature does not apply'}
                </div>
              )}
              {warning && (
                <div class="model-warning small" role="note">
                  {warning}
                </div>
              )}
            </>
          );
        }}
      />
      <div class="chain-add">
        <label class="sr-only" for={selectId}>
          Add a model to {stage}
        </label>
        <select id={selectId} value={adding} onChange={(event) => setAdding(event.currentTarget.value)}>
          <option value="">Add a model…</option>
          {available.map((model) => (
            <option key={model.id} value={model.id}>
              {model.display_name ?? model.id} ({model.provider}) — {pricePerMtok(model.input_usd_per_mtok)}/{pricePerMtok(model.output_usd_per_mtok)} · {contextWindow(model.context_window)}
            </option>
          ))}
        </select>
        <button
          type="button"
          class="button-secondary"
          disabled={!adding || chain.length >= 8}
          onClick={() => {
            onChange([...chain, adding]);
            setAdding('');
          }}
        >
          Add to {stage}
        </button>
      </div>
    </fieldset>
  );
}
