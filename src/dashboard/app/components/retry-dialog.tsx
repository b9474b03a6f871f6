import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../lib/api.ts';
import type { StageSummary } from '../../../contract/item-detail.ts';
import { RetryStartedSchema, type RetryStarted } from '../../../contract/queue.ts';
import { RESUMABLE_STAGES, type ResumableStage } from '../../../contract/stages.ts';
import { useConfigurations } from '../lib/use-configurations.ts';
import { Notice } from './notice.tsx';

/** What each choice keeps, short enough for a phone-wide select. */
const WHAT_IS_REUSED: Record<ResumableStage, string> = {
  classify: 'run everything again',
  extract: 'reuse the classification',
  validate: 'reuse classify and extract',
  review: 'reuse up to validation',
  finalise: 'reuse every model stage',
};

interface Props {
  itemId: string;
  stages: StageSummary[];
  onStarted: (started: RetryStarted) => void;
  onClose: () => void;
}

/** Where the server resumes by default: the first model stage the last run did not finish. */
function stoppedAt(stages: StageSummary[]): ResumableStage | undefined {
  return RESUMABLE_STAGES.find((stage) => stages.find((summary) => summary.stage === stage)?.status !== 'completed');
}

/**
 * Retries a failed or cancelled item from a chosen stage: the stages before it reuse the last run's
 * stored outputs (no new model call, no new cost), and the stages from it on may run with another
 * saved configuration. A modal `<dialog>`: focus stays inside and Escape closes it.
 */
export function RetryDialog({ itemId, stages, onStarted, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [fromStage, setFromStage] = useState<ResumableStage | ''>('');
  const [configurationId, setConfigurationId] = useState('');
  const { configurations, error: configurationsError } = useConfigurations();
  const [problem, setProblem] = useState<{ text: string; resumableFrom?: ResumableStage }>();
  const [busy, setBusy] = useState(false);
  const stopped = stoppedAt(stages);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function start(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const body = { ...(fromStage ? { from_stage: fromStage } : {}), ...(configurationId ? { configuration_id: configurationId } : {}) };
      onStarted(await api('POST', `/queue/${itemId}/retry`, RetryStartedSchema, body));
    } catch (error) {
      const details = error instanceof ApiError ? (error.details as { resumable_from?: unknown } | undefined) : undefined;
      const resumable = RESUMABLE_STAGES.find((stage) => stage === details?.resumable_from);
      if (error instanceof ApiError && error.code === 'nothing_to_reuse' && resumable) {
        setProblem({
          text: `Nothing to reuse from ${fromStage || 'there'}: the last run finished only the stages before ${resumable}. Resume from ${resumable} or an earlier stage.`,
          resumableFrom: resumable,
        });
      } else {
        setProblem({ text: describeError(error) });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="retry-title" aria-describedby="retry-help" onClose={onClose}>
      <form class="dialog-body" onSubmit={start}>
        <div class="card-header">
          <h2 id="retry-title">Retry this item</h2>
          <button type="button" class="button-ghost" onClick={() => dialog.current?.close()} aria-label="Close">
            ×
          </button>
        </div>
        <p id="retry-help" class="muted small">
          The stages before the one you resume from reuse the last run’s stored outputs: no model is called for them and they cost nothing.
        </p>
        <label class="field">
          <span>Resume from</span>
          <select name="from-stage" value={fromStage} onChange={(event) => setFromStage(event.currentTarget.value as ResumableStage | '')}>
            <option value="">Where the last run stopped{stopped ? ` (${stopped})` : ''} — recommended</option>
            {RESUMABLE_STAGES.map((stage) => (
              <option key={stage} value={stage}>
                {stage} — {WHAT_IS_REUSED[stage]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Configuration for the stages that run again</span>
          <select name="retry-configuration" value={configurationId} disabled={configurations === undefined} onChange={(event) => setConfigurationId(event.currentTarget.value)}>
            <option value="">The same as the last run</option>
            {configurations?.map((row) => (
              <option key={row.id} value={row.id}>
                {row.name}
              </option>
            ))}
          </select>
        </label>
        {configurationsError && !problem && <Notice kind="error">{configurationsError}</Notice>}
        {problem && (
          <div class="notice notice-error" role="alert">
            <div>
              {problem.text}
              {problem.resumableFrom && (
                <div>
                  <button
                    type="button"
                    class="button-secondary resume-suggestion"
                    onClick={() => {
                      setFromStage(problem.resumableFrom ?? '');
                      setProblem(undefined);
                    }}
                  >
                    Resume from {problem.resumableFrom} instead
                  </button>
                </div>
              )}
            </div>
          </div>
        )}
        <div class="actions">
          <button type="button" class="button-ghost" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? 'Starting…' : 'Start the retry'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
