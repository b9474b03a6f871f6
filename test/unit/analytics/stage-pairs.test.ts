import { describe, expect, it } from 'vitest';
import { pairKey, stagePairs, type Side } from '../../../src/analytics/stage-pairs.ts';
import { mean, seededRandom } from '../../../src/analytics/statistics.ts';
import type { EvidenceGroup } from '../../../src/db/recommendation-evidence.ts';

/** One labelled run, as the pairing was first written over. */
interface StageRun {
  runId: string;
  accuracy: number;
  documentKey: string;
  stages: Record<string, { model: string; costUsd: number; latencyMs: number }>;
}

/** Runs summed by document and the model of every stage, as labelledEvidence's SQL does (newest first = position). */
function grouped(runs: readonly StageRun[]): EvidenceGroup[] {
  const groups = new Map<string, EvidenceGroup>();
  runs.forEach((run, position) => {
    const key = `${run.documentKey}|${STAGES.map((stage) => run.stages[stage]?.model ?? '-').join(',')}`;
    const group = groups.get(key) ?? { documentKey: run.documentKey, first: position, runs: 0, accuracy: 0, stages: {} };
    group.runs += 1;
    group.accuracy += run.accuracy;
    for (const [stage, facts] of Object.entries(run.stages)) {
      const sums = (group.stages[stage] ??= { model: facts.model, costUsd: 0, latencyMs: 0 });
      sums.costUsd += facts.costUsd;
      sums.latencyMs += facts.latencyMs;
    }
    groups.set(key, group);
  });
  // SQL hands the groups over in no particular order.
  return [...groups.values()].reverse();
}

/** Equal up to the rounding of sums taken in another order. */
function expectClose(actual: Array<[Side, Side]>, expected: Array<[Side, Side]>) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((pair, index) =>
    pair.forEach((side, which) => {
      const want = expected[index]![which]!;
      for (const field of ['accuracy', 'cost', 'latency'] as const) expect(side[field]).toBeCloseTo(want[field], 9);
    }),
  );
}

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
  it('pairs runs on the same document whose other stages used the same models, as pairing the runs one by one does, in the same order', () => {
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
      const pairs = stagePairs(grouped(runs), stage, STAGES.filter((other) => other !== stage));
      let compared = 0;
      for (const current of models) {
        for (const candidate of models) {
          if (current === candidate) continue;
          const expected = pairsFor(runs, stage, current, candidate);
          expectClose(pairs.get(pairKey(current, candidate)) ?? [], expected);
          compared += expected.length;
        }
      }
      expect(compared).toBeGreaterThan(0);
    }
  });

  it('pairs the same way when so many models are in use that numeric keys would lose precision', () => {
    const random = seededRandom(11);
    const runs: StageRun[] = Array.from({ length: 3000 }, (_, index) => {
      const document = Math.floor(random() * 100);
      return {
        runId: `run-${index}`,
        accuracy: random(),
        documentKey: `doc-${document}`,
        stages: {
          // About 1 600 models in all: half the runs have a validate model of their own.
          validate: { model: index % 2 === 0 ? `rare-${index}` : `v-${document}`, costUsd: 0, latencyMs: 0 },
          extract: { model: ['a', 'b', 'c'][index % 3]!, costUsd: random(), latencyMs: random() * 100 },
        },
      };
    });
    const pairs = stagePairs(grouped(runs), 'extract', STAGES.filter((other) => other !== 'extract'));
    const expected = pairsFor(runs, 'extract', 'a', 'b');
    expect(expected.length).toBeGreaterThan(50);
    expectClose(pairs.get(pairKey('a', 'b'))!, expected);
  });
});

