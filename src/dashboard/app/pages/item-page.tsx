import { useEffect, useState } from 'preact/hooks';
import { ACTIVE_STATUSES } from '../../../contract/item-status.ts';
import { ItemDetailSchema } from '../../../contract/item-detail.ts';
import { CancelledSchema } from '../../../contract/queue.ts';
import type { ReviewOutcome } from '../../../contract/review.ts';
import { BackLink, PendingPage } from '../components/back-link.tsx';
import { FieldsCard } from '../components/fields-card.tsx';
import { DocumentCard } from '../components/document-viewer.tsx';
import { CallsCard, ItemStats, RunError, StagesCard } from '../components/item-sections.tsx';
import { Notice } from '../components/notice.tsx';
import { RetryDialog } from '../components/retry-dialog.tsx';
import { ReviewPanel } from '../components/review-panel.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { api, describeError } from '../lib/api.ts';
import { temporalRunUrl, useSession } from '../lib/context.ts';
import { count, dateTime, percent, shortId } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';

type Message = { kind: 'error' | 'success'; text: string };

/** One queue item: its run's stages, extracted fields, accuracy, usage and cost, error, and actions. */
export function ItemPage({ id }: { id: string }) {
  const { status: server } = useSession();
  const { data: item, error, reload } = useApi(`/queue/${id}`, ItemDetailSchema, {
    pollMs: 1000,
    poll: (shown) => Boolean(shown && ACTIVE_STATUSES.includes(shown.status)),
  });
  const [message, setMessage] = useState<Message>();
  const [acting, setActing] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [correcting, setCorrecting] = useState(false);
  /** A decision was sent to the waiting run: the panel says so until the item leaves needs_review. */
  const [decidedBy, setDecidedBy] = useState<string>();

  useEffect(() => {
    setMessage(undefined);
    setRetrying(false);
    setCorrecting(false);
    setDecidedBy(undefined);
  }, [id]);
  useEffect(() => {
    if (!item || item.status === 'needs_review' || !decidedBy) return;
    setMessage({ kind: item.status === 'completed' ? 'success' : 'error', text: `The run finished with ${decidedBy}’s decision: ${item.status}.` });
    setDecidedBy(undefined);
  }, [item?.status]);

  async function cancel() {
    setActing(true);
    setMessage(undefined);
    try {
      await api('POST', `/queue/${id}/cancel`, CancelledSchema);
      setMessage({ kind: 'success', text: 'Cancelling the run…' });
      await reload();
    } catch (failure) {
      setMessage({ kind: 'error', text: describeError(failure) });
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
      const rescored = runs ? `, ${runs} run${runs === 1 ? '' : 's'} scored again` : '';
      setMessage({ kind: 'success', text: `Saved ${reviewer}’s corrections as the ground truth: accuracy now ${percent(outcome.accuracy)}${rescored}.` });
    }
    void reload();
  }

  if (!item) return <PendingPage href="#/queue" label="Queue" error={message?.text ?? error} />;
  const cancellable = item.status === 'pending' || ACTIVE_STATUSES.includes(item.status);
  const retryable = (item.status === 'failed' || item.status === 'cancelled') && item.model_config;
  const notice = message ?? (error ? { kind: 'error' as const, text: error } : undefined);

  return (
    <div class="page">
      <BackLink href="#/queue" label="Queue" />
      <header class="page-header">
        <div>
          <h1 class="item-title">
            {item.document.filename ?? `Pasted text · ${shortId(item.id)}`} <StatusBadge status={item.status} />
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

      {notice && (
        <Notice kind={notice.kind} onDismiss={() => setMessage(undefined)}>
          {notice.text}
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
            void reload();
          }}
        />
      )}
      {item.status === 'needs_review' && <ReviewPanel item={item} decidedBy={decidedBy} onDone={reviewed} />}
      {item.error && <RunError error={item.error} />}
      <ItemStats item={item} />

      <div class="split">
        <FieldsCard item={item} correcting={correcting} onCorrect={setCorrecting} onCorrected={reviewed} />
        <StagesCard item={item} />
      </div>
      <CallsCard item={item} />
      <DocumentCard item={item} />
    </div>
  );
}
