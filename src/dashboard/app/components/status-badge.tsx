const LABELS: Record<string, string> = {
  pending: 'Pending',
  queued: 'Queued',
  running: 'Running',
  needs_review: 'Needs review',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  reused: 'Reused',
};

/** A run or stage status as a coloured pill; the word is always there, colour only reinforces it. */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{LABELS[status] ?? status}</span>;
}
