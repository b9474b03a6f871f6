/** The ways rows reach the ledger that `quarry bench-analytics` loads, besides calls arriving one by one. */
export const SCENARIOS = ['bulk', 'burst'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/**
 * A month of calls in one go (a backfill, a restore), or a burst within the current hour — or, with
 * `burstMinutes`, within the last that many minutes, so that runs started at different minutes of
 * the hour load the same density.
 */
export function loadRange(scenario: Scenario, now: Date, days: number, burstMinutes?: number): { from: Date; to: Date } {
  if (scenario === 'bulk') return { from: new Date(now.getTime() - days * 86_400_000), to: now };
  if (burstMinutes !== undefined) return { from: new Date(now.getTime() - burstMinutes * 60_000), to: now };
  const hourStart = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  // Early in an hour, the burst takes the last ten minutes instead (and so reaches into the last hour).
  return { from: new Date(Math.min(hourStart, now.getTime() - 600_000)), to: now };
}
