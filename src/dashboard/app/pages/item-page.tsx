import { useEffect, useState } from 'preact/hooks';
import { CallsTable } from '../components/calls-table.tsx';
import { FieldsTable } from '../components/fields-table.tsx';
import { Notice } from '../components/notice.tsx';
import { RetryDialog } from '../components/retry-dialog.tsx';
import { ReviewForm } from '../components/review-form.tsx';
import { StageTimeline } from '../components/stage-timeline.tsx';
import { StatCard } from '../components/stat-card.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { api, describeError } from '../lib/api.ts';
import { temporalRunUrl, useSession } from '../lib/context.ts';
import { count, dateTime, duration, percent, shortId, usd } from '../lib/format.ts';
import { hours, policySummary } from '../lib/run-policy.ts';
import { useInterval } from '../lib/use-interval.ts';
import { ACTIVE_STATUSES, type ItemDetail, type ReviewOutcome } from '../lib/types.ts';

/** One queue item: its run's stages, extracted fields, accuracy, usage and cost, error, and actions. */
export function ItemPage({ id }: { id: string }) {
  const { status: server } = useSession();
  const [item, setItem] = useState<ItemDetail>();
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string }>();
  const [acting, setActing] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [correcting, setCorrecting] = useState(false);
  /** A decision was sent to the waiting run: the panel says so until the item leaves needs_review. */
  const [decidedBy, setDecidedBy] = useState<string>();

  const load = () =>
    api<ItemDetail>('GET', `/queue/${id}`)
      .then(setItem)
      .catch((error: unknown) => setMessage({ kind: 'error', text: describeError(error) }));
  useEffect(() => {
    setItem(undefined);
    setRetrying(false);
    setCorrecting(false);
    setDecidedBy(undefined);
    void load();
  }, [id]);
  useEffect(() => {
    if (!item || item.status === 'needs_review' || !decidedBy) return;
    setMessage({ kind: item.status === 'completed' ? 'success' : 'error', text: `The run finished with ${decidedBy}’s decision: ${item.status}.` });
    setDecidedBy(undefined);
  }, [item?.status]);
  useInterval(() => void load(), 1000, Boolean(item && ACTIVE_STATUSES.includes(item.status)));

  async function cancel() {
    setActing(true);
    setMessage(undefined);
    try {
      await api('POST', `/queue/${id}/cancel`);
      setMessage({ kind: 'success', text: 'Cancelling the run…' });
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally {
      setActing(false);
    }
  }

  function reviewed(outcome: ReviewOutcome, reviewer: string) {
    if ('status' in outcome) {
      setDecidedBy(reviewer);
      setMessage({ kind: 'success', text: `${reviewer}’s decision was delivered to the run: it is finishing.` });
    } else {
      setCorrecting(false);
      const runs = outcome.rescored_runs.length;
      setMessage({
        kind: 'success',
        text: `Saved ${reviewer}’s corrections as the ground truth: accuracy now ${percent(outcome.accuracy)}${runs ? `, ${runs} run${runs === 1 ? '' : 's'} scored again` : ''}.`,
      });
    }
    void load();
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
            <button type="button" class="button-danger" disabled={acting} onClick={() => void cancel()}>
              Cancel
            </button>
          )}
          {retryable && (
            <button type="button" class="button-primary" disabled={acting} aria-haspopup="dialog" onClick={() => setRetrying(true)}>
              Retry…
            </button>
          )}
        </div>
      </header>

      {message && (
        <Notice kind={message.kind} onDismiss={() => setMessage(undefined)}>
          {message.text}
        </Notice>
      )}
      {retrying && (
        <RetryDialog
          itemId={item.id}
          stages={item.stages}
          onClose={() => setRetrying(false)}
          onStarted={(started) => {
            setRetrying(false);
            setMessage({ kind: 'success', text: `Retrying from ${started.from_stage}: the stages before it reuse the last run’s outputs.` });
            void load();
          }}
        />
      )}
      {item.status === 'needs_review' && (
        <section class="card review-panel" aria-labelledby="review-title">
          <div class="card-header">
            <div>
              <h2 id="review-title">Waiting for a reviewer</h2>
              <p class="muted small">
                The models are not sure enough of this result. Check the fields, correct what is wrong, and the run finishes with your values.
                {item.model_config?.review &&
                  ` Without a decision within ${hours(item.model_config.review.deadline_hours)} of reaching review, it ${item.model_config.review.on_deadline === 'accept' ? 'accepts the model’s values' : 'fails'}.`}
              </p>
            </div>
          </div>
          {decidedBy ? (
            <Notice kind="info">Decision sent. Finishing the run…</Notice>
          ) : (
            <ReviewForm item={item} mode="decide" onDone={reviewed} />
          )}
        </section>
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
            {item.status === 'completed' && !correcting && (
              <button type="button" class="button-secondary header-end" onClick={() => setCorrecting(true)}>
                Correct fields
              </button>
            )}
          </div>
          {(item.result?.reviewed_by || item.result?.corrected_by) && (
            <p class="muted small">
              {item.result.reviewed_by && `Reviewed by ${item.result.reviewed_by} before it finished. `}
              {item.result.corrected_by && `Ground truth last corrected by ${item.result.corrected_by}.`}
            </p>
          )}
          {correcting ? (
            <ReviewForm item={item} mode="correct" onDone={reviewed} onCancel={() => setCorrecting(false)} />
          ) : (
            <FieldsTable schema={item.schema} fields={item.result?.fields} expected={item.expected} />
          )}
        </section>
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
