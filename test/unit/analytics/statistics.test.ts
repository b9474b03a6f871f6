import { describe, expect, it } from 'vitest';
import { bootstrap, holmAdjust, mcnemarExact, mean, wilsonInterval } from '../../../src/analytics/statistics.ts';

describe('statistics', () => {
  it('Wilson interval matches the textbook values and stays inside [0, 1]', () => {
    // 8 of 10 at 95 %: 0.4902 to 0.9433 (Newcombe 1998, table I).
    const interval = wilsonInterval(8, 10)!;
    expect(interval.low).toBeCloseTo(0.4902, 3);
    expect(interval.high).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 5)!.low).toBe(0);
    expect(wilsonInterval(5, 5)!.high).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('exact McNemar: the binomial test of the discordant pairs', () => {
    const pairs = (a: number, b: number, same: number) => [
      ...Array.from({ length: a }, () => [true, false] as const),
      ...Array.from({ length: b }, () => [false, true] as const),
      ...Array.from({ length: same }, () => [true, true] as const),
    ];
    // 10 discordant pairs split 9:1: p = 2 · P(X ≤ 1 | n = 10, 1/2) = 2 · 11/1024.
    expect(mcnemarExact(pairs(9, 1, 30)).pValue).toBeCloseTo(22 / 1024, 10);
    expect(mcnemarExact(pairs(5, 5, 30)).pValue).toBe(1);
    expect(mcnemarExact(pairs(0, 0, 30))).toEqual({ firstOnly: 0, secondOnly: 0, pValue: 1 });
    expect(mcnemarExact(pairs(0, 6, 0)).pValue).toBeCloseTo(2 / 64, 10);
  });

  it('Holm adjustment is monotone and never below the raw p-value', () => {
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holmAdjust([0.5])).toEqual([0.5]);
  });

  it('bootstrap intervals are seeded (reproducible) and cover the estimate', () => {
    const differences = [0.2, 0.1, 0.3, 0.2, 0.25, 0.15, 0.2, 0.1, 0.3, 0.2];
    const first = bootstrap(differences, mean, { seed: 7 })!;
    const second = bootstrap(differences, mean, { seed: 7 })!;
    expect(first).toEqual(second);
    expect(first.low).toBeLessThanOrEqual(first.estimate);
    expect(first.high).toBeGreaterThanOrEqual(first.estimate);
    expect(first.low).toBeGreaterThan(0);
    expect(first.pValue).toBe(0);
    const noise = bootstrap([0.1, -0.1, 0.05, -0.05, 0.02, -0.02], mean, { seed: 3 })!;
    expect(noise.low).toBeLessThan(0);
    expect(noise.high).toBeGreaterThan(0);
    expect(bootstrap([], mean)).toBeNull();
  });
});
