import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/context.ts';
import { ANALYTICS_STAGES, type AnalyticsFilters } from '../lib/experiment-types.ts';
import type { SavedConfiguration } from '../lib/types.ts';

export const NO_FILTERS: AnalyticsFilters = { stage: '', provider: '', model: '', configuration_id: '' };

export const hasFilters = (filters: AnalyticsFilters) => Object.values(filters).some(Boolean);

/** Stage, provider, model and configuration pickers for the analytics tables; empty means "all". */
export function AnalyticsFilterBar({ filters, onChange }: { filters: AnalyticsFilters; onChange: (filters: AnalyticsFilters) => void }) {
  const { models } = useSession();
  const [configurations, setConfigurations] = useState<SavedConfiguration[]>([]);
  useEffect(() => {
    // Without the list the configuration picker is just empty; the tables still load.
    api<SavedConfiguration[]>('GET', '/configurations')
      .then((rows) => setConfigurations(rows.filter((row) => row.name !== null)))
      .catch(() => setConfigurations([]));
  }, []);

  const providers = [...new Set(models.map((model) => model.provider))].sort();
  const modelChoices = models.filter((model) => !filters.provider || model.provider === filters.provider);
  const set = (key: keyof AnalyticsFilters, value: string) => {
    const next = { ...filters, [key]: value };
    // A model of another provider would match nothing.
    if (key === 'provider' && value && models.find((model) => model.id === next.model)?.provider !== value) next.model = '';
    onChange(next);
  };

  return (
    <div class="analytics-filters" role="group" aria-label="Filter the tables">
      <label class="field">
        <span>Stage</span>
        <select value={filters.stage} onChange={(event) => set('stage', event.currentTarget.value)}>
          <option value="">All stages</option>
          {ANALYTICS_STAGES.map((stage) => (
            <option key={stage} value={stage}>
              {stage}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>Provider</span>
        <select value={filters.provider} onChange={(event) => set('provider', event.currentTarget.value)}>
          <option value="">All providers</option>
          {providers.map((provider) => (
            <option key={provider} value={provider}>
              {provider}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>Model</span>
        <select value={filters.model} onChange={(event) => set('model', event.currentTarget.value)}>
          <option value="">All models</option>
          {modelChoices.map((model) => (
            <option key={model.id} value={model.id}>
              {model.id}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>Configuration</span>
        <select value={filters.configuration_id} onChange={(event) => set('configuration_id', event.currentTarget.value)}>
          <option value="">All configurations</option>
          {configurations.map((row) => (
            <option key={row.id} value={row.id}>
              {row.name}
            </option>
          ))}
        </select>
      </label>
      {hasFilters(filters) && (
        <button type="button" class="button-ghost" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </div>
  );
}
