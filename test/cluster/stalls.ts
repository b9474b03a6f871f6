export interface Fault {
  name: string;
  /** When it was injected (ms since the epoch). */
  at: number;
}

/**
 * How long progress stopped at each fault: the longest gap between consecutive progress events
 * (ledger rows, finished items) that ended after the fault and no later than the next one. A gap is
 * the fault's whose window its end falls in: progress resumed only then, whatever it straddled.
 * `baselineMs` is the longest gap before the first fault, the same measure with nothing broken.
 */
export function stallsAround(events: readonly number[], faults: readonly Fault[]) {
  const sorted = [...events].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((end, k) => ({ start: sorted[k]!, end }));
  const longest = (chosen: Array<{ start: number; end: number }>) => Math.max(0, ...chosen.map((gap) => gap.end - gap.start));
  const first = faults[0]?.at ?? Number.POSITIVE_INFINITY;
  return {
    baselineMs: longest(gaps.filter((gap) => gap.end <= first)),
    faults: faults.map((fault, n) => {
      const next = faults[n + 1]?.at ?? Number.POSITIVE_INFINITY;
      return { name: fault.name, stallMs: longest(gaps.filter((gap) => gap.end > fault.at && gap.end <= next)) };
    }),
  };
}
