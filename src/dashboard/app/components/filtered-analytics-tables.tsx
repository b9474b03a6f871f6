import type { ComponentChildren } from 'preact';
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
      <FilteredSection id="models" title="Per model and stage" empty={models.data.length === 0} nothing="No provider call matches these filters in this range.">
        <FilteredModelTable rows={models.data} />
      </FilteredSection>
      <FilteredSection
        id="configurations"
        title="Configurations compared"
        note={`Runs that finished in the range. A model or provider filter keeps the configurations that use it${filters.stage ? ` in ${filters.stage}` : ''}.`}
        empty={configurations.data.length === 0}
        nothing="No configuration run matches these filters in this range."
      >
        <FilteredConfigurationTable rows={configurations.data} />
      </FilteredSection>
    </>
  );
}

/** A card of filtered rows, or the sentence saying that none match. */
function FilteredSection(props: { id: string; title: string; note?: string; empty: boolean; nothing: string; children: ComponentChildren }) {
  const { id, title, note, empty, nothing, children } = props;
  return (
    <section class="card" aria-labelledby={`${id}-title`} data-filtered>
      <h2 id={`${id}-title`}>{title}</h2>
      {note && <p class="muted small">{note}</p>}
      {empty ? (
        <p class="muted" data-empty={id}>
          {nothing}
        </p>
      ) : (
        children
      )}
    </section>
  );
}
