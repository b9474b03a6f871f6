import { useState } from 'preact/hooks';
import { contextWindow, pricePerMtok } from '../lib/format.ts';
import { retirementWarning } from '../lib/model-notes.ts';
import type { CatalogModel } from '../lib/types.ts';

interface Props {
  stage: string;
  description: string;
  chain: string[];
  models: CatalogModel[];
  onChange: (chain: string[]) => void;
}

function move<T>(list: T[], from: number, to: number): T[] {
  const copy = [...list];
  const [moved] = copy.splice(from, 1);
  copy.splice(to, 0, moved!);
  return copy;
}

/**
 * One stage's ordered fallback chain: the primary model first, then the models the stage falls back
 * to when one's attempts are spent. Every control is a real button, so the keyboard can reorder too.
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
      <ol class="chain-list" aria-label={`${stage} models, in fallback order`}>
        {chain.map((id, index) => {
          const model = byId.get(id);
          return (
            <li key={id} class="chain-item" data-model={id}>
              <span class="chain-rank" aria-hidden="true">
                {index + 1}
              </span>
              <div class="chain-model">
                <div>
                  <strong>{model?.display_name ?? id}</strong> <span class={`provider provider-${model?.provider ?? 'unknown'}`}>{model?.provider ?? 'unknown'}</span>
                  {index === 0 ? <span class="tag">primary</span> : <span class="tag tag-muted">fallback {index}</span>}
                </div>
                {model && (
                  <div class="muted small">
                    {pricePerMtok(model.input_usd_per_mtok)} in · {pricePerMtok(model.output_usd_per_mtok)} out per 1M tokens · {contextWindow(model.context_window)} context
                    {model.accepts_temperature === false && ' · temperature does not apply'}
                  </div>
                )}
                {model && retirementWarning(model) && (
                  <div class="model-warning small" role="note">
                    {retirementWarning(model)}
                  </div>
                )}
              </div>
              <div class="chain-actions">
                <button type="button" class="icon-button" disabled={index === 0} onClick={() => onChange(move(chain, index, index - 1))} aria-label={`Move ${id} up`}>
                  ↑
                </button>
                <button type="button" class="icon-button" disabled={index === chain.length - 1} onClick={() => onChange(move(chain, index, index + 1))} aria-label={`Move ${id} down`}>
                  ↓
                </button>
                <button type="button" class="icon-button danger" onClick={() => onChange(chain.filter((other) => other !== id))} aria-label={`Remove ${id}`}>
                  ×
                </button>
              </div>
            </li>
          );
        })}
      </ol>
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
