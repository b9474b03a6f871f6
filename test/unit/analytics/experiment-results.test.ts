import { describe, expect, it } from 'vitest';
import { analyseExperiment } from '../../../src/analytics/experiment-results.ts';
import type { ExperimentRunFacts } from '../../../src/db/experiments.ts';

const arms = [
  { arm: 0, name: 'accurate', configuration_id: '00000000-0000-4000-8000-000000000000' },
  { arm: 1, name: 'cheap', configuration_id: '00000000-0000-4000-8000-000000000001' },
];

function runs(n: number, accuracy: (arm: number, i: number) => number, cost: (arm: number) => number): ExperimentRunFacts[] {
  return Array.from({ length: n }, (_, i) =>
    [0, 1].map((arm) => ({
      position: i * 2 + arm,
      arm,
      source_item_id: `source-${i}`,
      item_id: `item-${i}-${arm}`,
      status: 'completed',
      labelled: true,
      accuracy: accuracy(arm, i),
      cost_usd: cost(arm),
      duration_ms: 100 + arm * 10 + i,
    })),
  ).flat();
}

describe('experiment analysis', () => {
  it('names the more accurate arm when the paired test says so', () => {
    const result = analyseExperiment(arms, runs(20, (arm, i) => (arm === 0 || i % 2 === 0 ? 1 : 0.6), (arm) => (arm === 0 ? 0.01 : 0.001)), true);
    expect(result.arms[0]).toMatchObject({ exact_match_rate: 1, completed: 20, success_rate: 1 });
    expect(result.arms[1]!.exact_match_rate).toBe(0.5);
    expect(result.comparisons[0]).toMatchObject({ pairs: 20, outcome: 'more_accurate', winner_arm: 0 });
    expect(result.comparisons[0]!.mcnemar!.p_value).toBeLessThan(0.01);
    expect(result.comparisons[0]!.cost_difference_per_item!.high).toBeLessThan(0);
    expect(result.verdict).toMatchObject({ final: true, winner_arm: 0, outcome: 'more_accurate' });
    expect(result.verdict.summary).toMatch(/accurate is significantly more accurate than cheap/);
  });

  it('prefers the cheaper arm when accuracy does not differ significantly, and says so', () => {
    const result = analyseExperiment(arms, runs(20, () => 1, (arm) => (arm === 0 ? 0.01 : 0.001)), true);
    expect(result.comparisons[0]).toMatchObject({ outcome: 'cheaper_without_significant_accuracy_difference', winner_arm: 1 });
    expect(result.verdict.summary).toMatch(/not significant/);
  });

  it('declines to judge on too few pairs', () => {
    const result = analyseExperiment(arms, runs(4, (arm) => (arm === 0 ? 1 : 0.2), () => 0.01), false);
    expect(result.verdict.outcome).toBe('insufficient_evidence');
    expect(result.verdict.winner_arm).toBeNull();
    expect(result.verdict.summary).toMatch(/Not enough evidence yet.*provisional/);
  });
});
