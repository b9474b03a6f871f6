import type { ItemDetail } from '../../../contract/item-detail.ts';
import { count, dateTime, duration, percent, usd } from '../lib/format.ts';
import { policySummary } from '../lib/run-policy.ts';
import { CallsTable } from './calls-table.tsx';
import { StageTimeline } from './stage-timeline.tsx';
import { StatCard } from './stat-card.tsx';

/*
 * The read-only sections of an item's page: its headline figures, its run's stages, every provider
 * call, and the error of a failed run. The document has a viewer of its own (document-viewer.tsx).
 */

export function ItemStats({ item }: { item: ItemDetail }) {
  const { usage } = item;
  return (
    <div class="stats">
      <StatCard label="Accuracy" value={item.accuracy === undefined ? '—' : percent(item.accuracy)} hint={item.expected ? 'against expected values' : 'unlabelled item'} />
      <StatCard label="Cost" value={usd(usage.cost_usd)} hint={`${usage.calls} call${usage.calls === 1 ? '' : 's'}${usage.failed_calls ? `, ${usage.failed_calls} failed` : ''}`} />
      <StatCard label="Duration" value={duration(usage.duration_ms)} hint={item.finished_at ? `finished ${dateTime(item.finished_at)}` : item.started_at ? 'running' : 'not started'} />
      <StatCard label="Tokens" value={`${count(usage.input_tokens)} / ${count(usage.output_tokens)}`} hint="in / out" />
    </div>
  );
}

export function RunError({ error }: { error: string }) {
  return (
    <div class="notice notice-error run-error" role="alert">
      <div>
        <strong>The run failed.</strong>
        <pre class="error-text">{error}</pre>
      </div>
    </div>
  );
}

export function StagesCard({ item }: { item: ItemDetail }) {
  return (
    <section class="card" aria-labelledby="stages-title">
      <div class="card-header">
        <h2 id="stages-title">Stages</h2>
      </div>
      <StageTimeline stages={item.stages} calls={item.calls} />
      {item.model_config && (
        <p class="muted small config-line">
          Temperature {item.model_config.temperature} · orchestrator <span class="mono">{item.model_config.orchestrator_model}</span> · {policySummary(item.model_config).join(' · ')}
        </p>
      )}
    </section>
  );
}

export function CallsCard({ item }: { item: ItemDetail }) {
  return (
    <section class="card" aria-labelledby="calls-title">
      <div class="card-header">
        <h2 id="calls-title">Provider calls</h2>
        <span class="muted small">every attempt, as the usage ledger recorded it</span>
      </div>
      <CallsTable calls={item.calls} />
    </section>
  );
}
