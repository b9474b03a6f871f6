import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parseHistoryFile, replayHistories, workflowIdOf } from '../../src/temporal/replay.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/histories');

async function recordedHistories() {
  const files = (await readdir(fixtures)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const history = parseHistoryFile(await readFile(path.join(fixtures, file), 'utf8'));
      return { file, workflowId: workflowIdOf(history, file), history };
    }),
  );
}

/**
 * Every recorded history must replay against the current workflow code: a change that would break
 * open runs after a deploy fails here first. Changes to the workflow's commands go behind patched().
 */
describe('replaying recorded histories', () => {
  it('replays every recorded history cleanly against the current code', async () => {
    const histories = await recordedHistories();
    expect(histories.length).toBeGreaterThanOrEqual(7);
    const outcomes = [];
    for await (const outcome of replayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories)) outcomes.push(outcome);
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
    expect(outcomes).toHaveLength(histories.length);
  });

  it('catches a deliberately non-deterministic change and explains it', async () => {
    const histories = (await recordedHistories()).filter((entry) => entry.file === 'completed-mixed-providers.json');
    const outcomes = [];
    const workflowsPath = path.resolve(import.meta.dirname, '../fixtures/workflows/reordered-stages.ts');
    for await (const outcome of replayHistories({ workflowsPath }, histories)) outcomes.push(outcome);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.ok).toBe(false);
    expect(outcomes[0]!.error).toMatch(/^\[TMPRL1100\] Nondeterminism error: /);
    expect(outcomes[0]!.explanation).toMatch(/patched/);
  });
});
