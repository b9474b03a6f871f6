import type { Experiment } from '../../../contract/experiments.ts';
import { OUTCOME_LABELS } from '../lib/experiment-format.ts';

/** The experiment's verdict: final or provisional, the outcome, the winner and the sentence that says why. */
export function ExperimentVerdict({ experiment, simulated }: { experiment: Experiment; simulated: boolean }) {
  const { verdict } = experiment;
  const winner = verdict.winner_arm === null ? undefined : experiment.arms[verdict.winner_arm]?.name;
  return (
    <section class={`card verdict verdict-${verdict.final ? 'final' : 'provisional'} verdict-${verdict.outcome}`} aria-labelledby="verdict-title" data-verdict>
      <div class="card-header">
        <h2 id="verdict-title">
          Verdict
          {verdict.final ? <span class="tag">final</span> : <span class="tag tag-warn">provisional</span>}
          {simulated && <span class="tag tag-warn">simulated</span>}
        </h2>
        <span class="verdict-outcome">
          {OUTCOME_LABELS[verdict.outcome]}
          {winner && (
            <>
              {' · '}
              <strong>{winner}</strong> wins
            </>
          )}
        </span>
      </div>
      <p class="verdict-summary">{verdict.summary}</p>
      {simulated && <p class="muted small">Providers are simulated: these results describe the simulator, not the real models.</p>}
    </section>
  );
}
