import { duration } from '../lib/format.ts';
import type { CallRecord, StageSummary } from '../../../contract/item-detail.ts';
import { StatusBadge } from './status-badge.tsx';

/** What a later round of each stage did, in the orchestrator's re-extraction loop. */
const ROUND_ACTIONS: Record<string, string> = {
  extract: 'disputed fields re-extracted',
  validate: 'the re-extraction validated',
  review: 'reviewed again',
};

/**
 * The run's stages in order: the model that produced each stage's output, how many attempts it took,
 * the fallback hops (models given up on before it) and the time spent in provider calls. After a
 * retry, the stages whose stored output the new run reused show as reused.
 */
export function StageTimeline({ stages, calls }: { stages: StageSummary[]; calls: CallRecord[] }) {
  return (
    <ol class="timeline">
      {stages.map((stage) => {
        const stageCalls = calls.filter((call) => call.stage === stage.stage);
        const callTime = stageCalls.reduce((sum, call) => sum + call.response_time_ms, 0);
        const hops = stage.models_tried.filter((model) => model !== stage.model);
        const laterRounds = stage.rounds.slice(1);
        const status = stage.reused ? 'reused' : stage.status;
        return (
          <li key={stage.stage} class={`timeline-step step-${status}`} data-stage={stage.stage} data-status={status}>
            <span class="timeline-dot" aria-hidden="true" />
            <div class="timeline-body">
              <div class="timeline-title">
                <strong>{stage.stage}</strong> <StatusBadge status={status} />
              </div>
              {stage.reused ? (
                // The calls of a reused stage's later rounds are this run's: they have their own lines below.
                <div class="muted small">
                  <span class="mono">{stage.model}</span> · reused from the previous run, no new call
                </div>
              ) : (
                <div class="muted small">
                  {stage.model ? <span class="mono">{stage.model}</span> : stage.attempts === 0 ? 'no model call' : ''}
                  {stage.attempts > 0 && ` · ${stage.attempts} attempt${stage.attempts === 1 ? '' : 's'}`}
                  {stageCalls.length > 0 && ` · ${duration(callTime)} in calls`}
                  {stage.rounds.length > 1 && ` · ${stage.rounds.length} rounds`}
                </div>
              )}
              {hops.length > 0 && (
                <div class="hops small">
                  Fell back from {hops.map((model, index) => (
                    <span key={model}>
                      {index > 0 && ', '}
                      <span class="mono">{model}</span>
                    </span>
                  ))}
                </div>
              )}
              {laterRounds.map((round) => (
                <div key={round.step} class="muted small">
                  Round {round.step + 1}: {ROUND_ACTIONS[stage.stage] ?? 'ran again'} with <span class="mono">{round.model ?? '—'}</span>
                  {round.attempts > 0 && ` · ${round.attempts} attempt${round.attempts === 1 ? '' : 's'}`}
                </div>
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
