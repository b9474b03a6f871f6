import type { Pool } from '../db/pool.ts';
import type { ResumableStage } from '../workflows/extraction-types.ts';

export const RESUMABLE_STAGES: readonly ResumableStage[] = ['classify', 'extract', 'validate', 'review', 'finalise'];

/**
 * The stages of an earlier run that a retry can reuse: each stage before the first one without a
 * stored first-pass output. Returns that first stage (where a retry resumes by default) and, for a
 * requested stage, whether everything before it is there to reuse.
 */
export async function resumePointOf(pool: Pool, queueItemId: string, runId: string): Promise<ResumableStage> {
  const stored = await pool.query<{ stage: string }>(
    'SELECT DISTINCT stage FROM stage_outputs WHERE queue_item_id = $1 AND run_id = $2 AND step = 0',
    [queueItemId, runId],
  );
  const done = new Set(stored.rows.map((row) => row.stage));
  return RESUMABLE_STAGES.find((stage) => !done.has(stage)) ?? 'finalise';
}

/** Whether `stage` comes no later than `limit` in the pipeline. */
export const isAtOrBefore = (stage: ResumableStage, limit: ResumableStage) => RESUMABLE_STAGES.indexOf(stage) <= RESUMABLE_STAGES.indexOf(limit);
