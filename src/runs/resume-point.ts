import { RESUMABLE_STAGES, type ResumableStage } from '../contract/stages.ts';
import type { Pool } from '../db/pool.ts';
import { firstPassStages } from '../db/stage-outputs.ts';

/**
 * Where a retry of an earlier run resumes by default: the first resumable stage without a stored
 * first-pass output in that run. Every stage before it can be reused.
 */
export async function resumePointOf(pool: Pool, queueItemId: string, runId: string): Promise<ResumableStage> {
  const done = await firstPassStages(pool, queueItemId, runId);
  return RESUMABLE_STAGES.find((stage) => !done.has(stage)) ?? 'finalise';
}
