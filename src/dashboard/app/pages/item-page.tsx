import { useEffect, useState } from 'preact/hooks';
import { CallsTable } from '../components/calls-table.tsx';
import { FieldsTable } from '../components/fields-table.tsx';
import { Notice } from '../components/notice.tsx';
import { StageTimeline } from '../components/stage-timeline.tsx';
import { StatCard } from '../components/stat-card.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { api, describeError } from '../lib/api.ts';
import { temporalRunUrl, useSession } from '../lib/context.ts';
import { count, dateTime, duration, percent, shortId, usd } from '../lib/format.ts';
import { useInterval } from '../lib/use-interval.ts';
import { ACTIVE_STATUSES, type ItemDetail } from '../lib/types.ts';

/** One queue item: its run's stages, extracted fields, accuracy, usage and cost, error, and actions. */
export function ItemPage({ id }: { id: string }) {
  const { status: server } = useSession();
  const [item, setItem] = useState<ItemDetail>();
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string }>();
  const [acting, setActing] = useState(false);

  const load = () =>
    api<ItemDetail>('GET', `/queue/${id}`)
      .then(setItem)
      .catch((error: unknown) => setMessage({ kind: 'error', text: describeError(error) }));
  useEffect(() => {
    setItem(undefined);
    void load();
  }, [id]);
  useInterval(() => void load(), 1000, Boolean(item && ACTIVE_STATUSES.includes(item.status)));

  async function act(action: 'cancel' | 'retry') {
    setActing(true);
    setMessage(undefined);
    try {
      await api('POST', `/queue/${id}/${action}`);
      setMessage({ kind: 'success', text: action === 'cancel' ? 'Cancelling the run…' : 'Started a new run with the same configuration.' });
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally {
      setActing(false);
    }
  }

  if (!item) {
    return (
      <div class="page">
        <a href="#/queue" class="back">
          ← Queue
        </a>
        {message ? <Notice kind="error">{message.text}</Notice> : <p class="muted">Loading…</p>}
      </div>
    );
  }

  const title = item.document.filename ?? `Pasted text · ${shortId(item.id)}`;
  const cancellable = item.status === 'pending' || ACTIVE_STATUSES.includes(item.status);
  const retryable = (item.status === 'failed' || item.status === 'cancelled') && item.model_config;

  return (
    <div class="page">
      <a href="#/queue" class="back">
        ← Queue
      </a>
      <header class="page-header">
        <div>
          <h1 class="item-title">
            {title} <StatusBadge status={item.status} />
          </h1>
          <p class="muted small">
            <span class="mono">{item.id}</span> · {item.schema.name} schema · {count(item.document.characters)} characters · added {dateTime(item.created_at)}
            {item.simulated && ' · simulated providers'}
          </p>
        </div>
        <div class="header-actions">
          {item.workflow_id && (
            <a class="button-secondary" href={temporalRunUrl(server, item.workflow_id, item.run_id)} target="_blank" rel="noopener noreferrer">
              Open in Temporal UI ↗
            </a>
          )}
          {cancellable && (
            <button type="button" class="button-danger" disabled={acting} onClick={() => void act('cancel')}>
              Cancel
            </button>
          )}
          {retryable && (
            <button type="button" class="button-primary" disabled={acting} onClick={() => void act('retry')}>
              Retry
            </button>
          )}
        </div>
      </header>

      {message && (
        <Notice kind={message.kind} onDismiss={() => setMessage(undefined)}>
          {message.text}
        </Notice>
      )}
      {item.error && (
        <div class="notice notice-error run-error" role="alert">
          <div>
            <strong>The run failed.</strong>
            <pre class="error-text">{item.error}</pre>
          </div>
        </div>
      )}

      <div class="stats">
        <StatCard label="Accuracy" value={item.accuracy === undefined ? '—' : percent(item.accuracy)} hint={item.expected ? 'against expected values' : 'unlabelled item'} />
        <StatCard label="Cost" value={usd(item.usage.cost_usd)} hint={`${item.usage.calls} call${item.usage.calls === 1 ? '' : 's'}${item.usage.failed_calls ? `, ${item.usage.failed_calls} failed` : ''}`} />
        <StatCard label="Duration" value={duration(item.usage.duration_ms)} hint={item.finished_at ? `finished ${dateTime(item.finished_at)}` : item.started_at ? 'running' : 'not started'} />
        <StatCard label="Tokens" value={`${count(item.usage.input_tokens)} / ${count(item.usage.output_tokens)}`} hint="in / out" />
      </div>

      <div class="split">
        <section class="card" aria-labelledby="fields-title">
          <div class="card-header">
            <h2 id="fields-title">Extracted fields</h2>
            {item.result?.document_type && <span class="tag">{item.result.document_type}</span>}
          </div>
          <FieldsTable schema={item.schema} fields={item.result?.fields} expected={item.expected} />
        </section>
        <section class="card" aria-labelledby="stages-title">
          <div class="card-header">
            <h2 id="stages-title">Stages</h2>
          </div>
          <StageTimeline stages={item.stages} calls={item.calls} />
          {item.model_config && (
            <p class="muted small config-line">
              Temperature {item.model_config.temperature} · orchestrator <span class="mono">{item.model_config.orchestrator_model}</span>
            </p>
          )}
        </section>
      </div>

      <section class="card" aria-labelledby="calls-title">
        <div class="card-header">
          <h2 id="calls-title">Provider calls</h2>
          <span class="muted small">every attempt, as the usage ledger recorded it</span>
        </div>
        <CallsTable calls={item.calls} />
      </section>

      <section class="card" aria-labelledby="document-title">
        <div class="card-header">
          <h2 id="document-title">Document</h2>
          <span class="muted small">
            {item.document.mime_type}
            {item.document.characters > item.document.preview.length && ` · first ${count(item.document.preview.length)} of ${count(item.document.characters)} characters`}
          </span>
        </div>
        <pre class="document-text">{item.document.preview}</pre>
      </section>
    </div>
  );
}
