import { binomialDistribution, probit, quantileSorted } from 'simple-statistics';

/*
 * The statistics behind experiments and recommendations. Distributions come from simple-statistics
 * (normal quantile, binomial mass function); what is written here is only the textbook formula on
 * top of them. Resampling is seeded, so the same data always gives the same interval.
 */

export interface Interval {
  low: number;
  high: number;
}

/** z for a two-sided interval at `confidence` (1.96 at 0.95). */
export const zFor = (confidence: number) => probit(1 - (1 - confidence) / 2);

/**
 * Wilson score interval for a proportion `successes / trials`: unlike the normal approximation it
 * stays inside [0, 1] and behaves near 0 and 1, where accuracy and success rates live.
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval | null {
  if (trials <= 0) return null;
  const z = zFor(confidence);
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface McNemarResult {
  /** Pairs where the first arm was right and the second wrong. */
  firstOnly: number;
  /** Pairs where the second arm was right and the first wrong. */
  secondOnly: number;
  /** Two-sided exact p-value: the binomial test of the discordant pairs against an even split. */
  pValue: number;
}

/**
 * Exact McNemar test on paired binary outcomes. Only discordant pairs carry information; under the
 * null hypothesis each is equally likely to favour either arm, so min(b, c) ~ Binomial(b + c, 1/2).
 */
export function mcnemarExact(pairs: ReadonlyArray<readonly [boolean, boolean]>): McNemarResult {
  const firstOnly = pairs.filter(([a, b]) => a && !b).length;
  const secondOnly = pairs.filter(([a, b]) => !a && b).length;
  const discordant = firstOnly + secondOnly;
  if (discordant === 0) return { firstOnly, secondOnly, pValue: 1 };
  const mass = binomialDistribution(discordant, 0.5);
  if (!mass) throw new RangeError(`cannot compute the binomial distribution for ${discordant} trials`);
  const tail = mass.slice(0, Math.min(firstOnly, secondOnly) + 1).reduce((sum, p) => sum + p, 0);
  return { firstOnly, secondOnly, pValue: Math.min(1, 2 * tail) };
}

/** Holm's step-down adjustment of p-values for several comparisons; keeps the input order. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/** A small, fast, seedable generator (mulberry32): bootstrap intervals must be reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapOptions {
  resamples?: number;
  confidence?: number;
  seed?: number;
}

export interface BootstrapResult extends Interval {
  estimate: number;
  /** Share of resamples on the other side of zero from the estimate, doubled: a two-sided p-value. */
  pValue: number;
}

/**
 * Percentile bootstrap of `statistic` over units resampled with replacement. For a paired design
 * the units are the pairs, so the pairing is kept in every resample.
 */
export function bootstrap<T>(units: readonly T[], statistic: (sample: readonly T[]) => number, options: BootstrapOptions = {}): BootstrapResult | null {
  if (units.length === 0) return null;
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const random = seededRandom(options.seed ?? 20_251_126);
  const estimate = statistic(units);
  const draws: number[] = [];
  const sample = new Array<T>(units.length);
  for (let r = 0; r < resamples; r += 1) {
    for (let i = 0; i < units.length; i += 1) sample[i] = units[Math.floor(random() * units.length)]!;
    draws.push(statistic(sample));
  }
  draws.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  const below = draws.filter((value) => value <= 0).length / resamples;
  const above = draws.filter((value) => value >= 0).length / resamples;
  return {
    estimate,
    low: quantileSorted(draws, alpha),
    high: quantileSorted(draws, 1 - alpha),
    pValue: Math.min(1, 2 * Math.min(below, above)),
  };
}

export const mean = (values: readonly number[]) => (values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length);

/** The p-quantile by simple-statistics' definition (the order statistic at ⌈n·p⌉, halfway between two when n·p is whole). */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  return quantileSorted([...values].sort((a, b) => a - b), p);
}
