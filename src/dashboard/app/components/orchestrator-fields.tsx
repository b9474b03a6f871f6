import type { CatalogEntry } from '../../../contract/catalog.ts';
import type { ModelConfig } from '../../../contract/model-config.ts';
import { pricePerMtok } from '../lib/format.ts';
import { modelsWithoutTemperature } from '../lib/model-notes.ts';

/** The temperature every call is made at, and the orchestrator: its model and its instructions. */
export function OrchestratorFields({ config, models, onChange }: { config: ModelConfig; models: readonly CatalogEntry[]; onChange: (config: ModelConfig) => void }) {
  const orchestrator = models.find((model) => model.id === config.orchestrator_model);
  const withoutTemperature = modelsWithoutTemperature(config, models);
  return (
    <>
      <div class="row wrap">
        <label class="field grow">
          <span>Temperature: {config.temperature.toFixed(2)}</span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={config.temperature}
            aria-valuetext={config.temperature.toFixed(2)}
            onInput={(event) => onChange({ ...config, temperature: Number(event.currentTarget.value) })}
          />
          <span class="range-scale muted small">
            <span>0 — repeatable</span>
            <span>1 — varied</span>
          </span>
          {withoutTemperature.length > 0 && (
            <span class="muted small" data-temperature-note>
              Does not apply to {withoutTemperature.join(', ')}: their APIs take no temperature, so they are called without one.
            </span>
          )}
        </label>
        <label class="field grow">
          <span>Orchestrator model</span>
          <select value={config.orchestrator_model} onChange={(event) => onChange({ ...config, orchestrator_model: event.currentTarget.value })}>
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.display_name ?? model.id} ({model.provider})
              </option>
            ))}
          </select>
          {orchestrator && (
            <span class="muted small">
              {pricePerMtok(orchestrator.input_usd_per_mtok)} in · {pricePerMtok(orchestrator.output_usd_per_mtok)} out per 1M tokens
            </span>
          )}
        </label>
      </div>
      <label class="field">
        <span>Orchestrator prompt</span>
        <textarea rows={4} value={config.orchestrator_prompt} maxLength={20_000} onInput={(event) => onChange({ ...config, orchestrator_prompt: event.currentTarget.value })} />
      </label>
    </>
  );
}
