import { EXPERIMENT_STATUS_LABELS } from '../lib/experiment-format.ts';
import type { ExperimentStatus } from '../../../contract/experiments.ts';

/** An experiment's status as a pill, in the colours of run statuses; the word is always there. */
export function ExperimentStatusBadge({ status }: { status: ExperimentStatus }) {
  return <span class={`status status-${status}`}>{EXPERIMENT_STATUS_LABELS[status] ?? status}</span>;
}
