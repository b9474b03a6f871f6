import { MODEL_STAGES } from '../../../contract/stages.ts';
import { useSession } from '../lib/context.ts';
import { useConfigurations } from '../lib/use-configurations.ts';

/** The filters as the bar holds them: an empty string is "all". Sent as the analytics routes' query. */
export interface FilterChoice {
  stage: string;
  provider: string;
  model: string;
  configuration_id: string;
}

export const NO_FILTERS: FilterChoice = { stage: '', provider: '', model: '', configuration_id: '' };

export const hasFilters = (filters: FilterChoice) => Object.values(filters).some(Boolean);

/** Stage, provider, model and configuration pickers for the analytics tables; empty means "all". */
export function AnalyticsFilterBar({ filters, onChange }: { filters: FilterChoice; onChange: (filters: FilterChoice) => void }) {
  const { models } = useSession();
  // Without the list the configuration picker is just empty; the tables still load.
  const configurations = useConfigurations().configurations ?? [];

  const providers = [...new Set(models.map((model) => model.provider))].sort();
  const modelChoices = models.filter((model) => !filters.provider || model.provider === filters.provider);
  const set = (key: keyof FilterChoice, value: string) => {
    const next = { ...filters, [key]: value };
    // A model of another provider would match nothing.
    if (key === 'provider' && value && models.find((model) => model.id === next.model)?.provider !== value) next.model = '';
    onChange(next);
  };

  return (
    <div class="analytics-filters" role="group" aria-label="Filter the tables">
      <Picker label="Stage" all="All stages" value={filters.stage} options={MODEL_STAGES.map((stage) => [stage, stage])} onChange={(value) => set('stage', value)} />
      <Picker label="Provider" all="All providers" value={filters.provider} options={providers.map((provider) => [provider, provider])} onChange={(value) => set('provider', value)} />
      <Picker label="Model" all="All models" value={filters.model} options={modelChoices.map((model) => [model.id, model.id])} onChange={(value) => set('model', value)} />
      <Picker
        label="Configuration"
        all="All configurations"
        value={filters.configuration_id}
        options={configurations.map((row) => [row.id, row.name ?? row.id])}
        onChange={(value) => set('configuration_id', value)}
      />
      {hasFilters(filters) && (
        <button type="button" class="button-ghost" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </div>
  );
}

/** One filter: a labelled select whose first option, the empty value, means "all". */
function Picker({ label, all, value, options, onChange }: { label: string; all: string; value: string; options: Array<[string, string]>; onChange: (value: string) => void }) {
  return (
    <label class="field">
      <span>{label}</span>
      <select value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        <option value="">{all}</option>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
