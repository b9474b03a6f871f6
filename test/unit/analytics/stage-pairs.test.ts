import { describe, expect, it } from 'vitest';
import { pairKey, stagePairs, type Side } from '../../../src/analytics/stage-pairs.ts';
import { mean, seededRandom } from '../../../src/analytics/statistics.ts';
import type { StageRun } from '../../../src/db/recommendation-evidence.ts';

const STAGES = ['classify', 'extract', 'validate', 'review'];

/** The pairing written the direct way, per (current, candidate): the reference stagePairs must equal. */
function pairsFor(runs: readonly StageRun[], stage: string, current: string, candidate: string): Array<[Side, Side]> {
  const groups = new Map<string, { current: Side[]; candidate: Side[] }>();
  for (const run of runs) {
    const served = run.stages[stage];
    if (!served || (served.model !== current && served.model !== candidate)) continue;
    const context = STAGES.filter((other) => other !== stage).map((other) => `${other}=${run.stages[other]?.model ?? '-'}`).join(',');
    const key = `${run.documentKey}|${context}`;
    const group = groups.get(key) ?? { current: [], candidate: [] };
    (served.model === current ? group.current : group.candidate).push({ accuracy: run.accuracy, cost: served.costUsd, latency: served.latencyMs });
    groups.set(key, group);
  }
  const average = (sides: Side[]): Side => ({
    accuracy: mean(sides.map((side) => side.accuracy)),
    cost: mean(sides.map((side) => side.cost)),
    latency: mean(sides.map((side) => side.latency)),
  });
  return [...groups.values()].filter((group) => group.current.length > 0 && group.candidate.length > 0).map((group) => [average(group.current), average(group.candidate)]);
}

describe('stagePairs', () => {
  it('pairs runs on the same document whose other stages used the same models, in the same order as pairing each model pair alone', () => {
    const random = seededRandom(7);
    const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
    const models = ['a', 'b', 'c', 'd'];
    const runs: StageRun[] = Array.from({ length: 3000 }, (_, index) => ({
      runId: `run-${index}`,
      accuracy: random(),
      documentKey: `doc-${Math.floor(random() * 150)}`,
      stages: Object.fromEntries(
        STAGES.filter(() => random() > 0.05).map((stage) => [stage, { model: pick(stage === 'extract' ? models : models.slice(0, 2)), costUsd: random() / 100, latencyMs: random() * 2000 }]),
      ),
    }));
    for (const stage of STAGES) {
      const pairs = stagePairs(runs, stage, STAGES.filter((other) => other !== stage));
      let compared = 0;
      for (const current of models) {
        for (const candidate of models) {
          if (current === candidate) continue;
          const expected = pairsFor(runs, stage, current, candidate);
          expect(pairs.get(pairKey(current, candidate)) ?? []).toEqual(expected);
          compared += expected.length;
        }
      }
      expect(compared).toBeGreaterThan(0);
    }
  });
});
