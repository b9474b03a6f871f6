import type { StageRun } from '../db/recommendation-evidence.ts';
import { mean } from './statistics.ts';

/** One side of a pair: a model's runs on one document, averaged. */
export interface Side {
  accuracy: number;
  cost: number;
  latency: number;
}

/**
 * Every pair of models that served `stage` on the same document with the same models on every other
 * stage (`otherStages`): for each ordered (current, candidate), the pairs [current side, candidate
 * side], one per document and context, averaged over repeated runs. Built in one pass over the runs,
 * so its cost grows with the runs, not with runs × models². Pairs come in the order their group's
 * first run of either model appears in `runs`, so resampling them is reproducible.
 */
export function stagePairs(runs: readonly StageRun[], stage: string, otherStages: readonly string[]): Map<string, Array<[Side, Side]>> {
  const groups = new Map<string, Map<string, { first: number; sides: Side[] }>>();
  runs.forEach((run, index) => {
    const served = run.stages[stage];
    if (!served) return;
    const context = otherStages.map((other) => `${other}=${run.stages[other]?.model ?? '-'}`).join(',');
    const key = `${run.documentKey}|${context}`;
    let byModel = groups.get(key);
    if (!byModel) groups.set(key, (byModel = new Map()));
    let entry = byModel.get(served.model);
    if (!entry) byModel.set(served.model, (entry = { first: index, sides: [] }));
    entry.sides.push({ accuracy: run.accuracy, cost: served.costUsd, latency: served.latencyMs });
  });

  const ordered = new Map<string, Array<{ order: number; pair: [Side, Side] }>>();
  for (const byModel of groups.values()) {
    if (byModel.size < 2) continue;
    const averaged = [...byModel].map(([model, entry]) => ({ model, first: entry.first, side: average(entry.sides) }));
    for (const a of averaged) {
      for (const b of averaged) {
        if (a === b) continue;
        const key = pairKey(a.model, b.model);
        const list = ordered.get(key) ?? [];
        list.push({ order: Math.min(a.first, b.first), pair: [a.side, b.side] });
        ordered.set(key, list);
      }
    }
  }
  return new Map([...ordered].map(([key, list]) => [key, list.sort((x, y) => x.order - y.order).map((entry) => entry.pair)]));
}

/** The key of the ordered pair (current, candidate) in `stagePairs`' map. */
export const pairKey = (current: string, candidate: string) => `${current}\u0000${candidate}`;

const average = (sides: Side[]): Side => ({
  accuracy: mean(sides.map((side) => side.accuracy)),
  cost: mean(sides.map((side) => side.cost)),
  latency: mean(sides.map((side) => side.latency)),
});
