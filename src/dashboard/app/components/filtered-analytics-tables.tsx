import { ConfigurationPerformanceListSchema, ModelPerformanceListSchema } from '../../../contract/analytics.ts';
import { useApi } from '../lib/use-api.ts';
import type { FilterChoice } from './analytics-filters.tsx';
import { FilteredConfigurationTable, FilteredModelTable } from './analytics-tables.tsx';
import { Notice } from './notice.tsx';

/**
 * The per-model and per-configuration tables under filters, from `GET /analytics/models` (per model,
 * provider and stage) and `GET /analytics/configurations`, over the same time range as the charts.
 * A quick change of mind cannot show stale rows: answers for filters no longer chosen are dropped.
 */
export function FilteredAnalyticsTables({ from, to, filters }: { from: string; to: string; filters: FilterChoice }) {
  const query = new URLSearchParams({ from, to });
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const models = useApi(`/analytics/models?${query}`, ModelPerformanceListSchema);
  const configurations = useApi(`/analytics/configurations?${query}`, ConfigurationPerformanceListSchema);

  const error = models.error ?? configurations.error;
  if (error) return <Notice kind="error">{error}</Notice>;
  if (!models.data || !configurations.data) return <p class="muted">Loading…</p>;
  return (
    <>
      <section class="card" aria-labelledby="models-title" data-filtered>
        <h2 id="models-title">Per model and stage</h2>
        {models.data.length === 0 ? (
          <p class="muted" data-empty="models">
            No provider call matches these filters in this range.
          </p>
        ) : (
          <FilteredModelTable rows={models.data} />
        )}
      </section>

      <section class="card" aria-labelledby="configurations-title" data-filtered>
        <h2 id="configurations-title">Configurations compared</h2>
        <p class="muted small">Runs that finished in the range. A model or provider filter keeps the configurations that use it{filters.stage ? ` in ${filters.stage}` : ''}.</p>
        {configurations.data.length === 0 ? (
          <p class="muted" data-empty="configurations">
            No configuration run matches these filters in this range.
          </p>
        ) : (
          <FilteredConfigurationTable rows={configurations.data} />
        )}
      </section>
    </>
  );
}
