import type { EvidenceGroup } from '../db/recommendation-evidence.ts';

/** One side of a pair: a model's runs on one document, averaged. */
export interface Side {
  accuracy: number;
  cost: number;
  latency: number;
}

interface Sums {
  /** The order key of the newest run of this model in its group (EvidenceGroup.first), for the order of pairs. */
  first: number;
  runs: number;
  accuracy: number;
  cost: number;
  latency: number;
}

/**
 * Every pair of models that served `stage` on the same document with the same models on every other
 * stage (`otherStages`): for each ordered (current, candidate), the pairs [current side, candidate
 * side], one per document and context, averaged over repeated runs. Pairs come in the order of the
 * newest run of either model in their group, so resampling them is reproducible.
 *
 * Documents and models are coded as small integers, so that groups are keyed by numbers and only
 * groups where two models meet allocate anything beyond their sums.
 */
export function stagePairs(runs: readonly EvidenceGroup[], stage: string, otherStages: readonly string[]): Map<string, Array<[Side, Side]>> {
  const modelCodes = new Map<string, number>([['-', 0]]);
  const modelCode = (model: string) => {
    let found = modelCodes.get(model);
    if (found === undefined) modelCodes.set(model, (found = modelCodes.size));
    return found;
  };
  // Code every model first, so that the base of the group keys is known: then one pass computes each
  // group's key as a number, with nothing allocated per group (allocation, not arithmetic, is what
  // costs when there are tens of thousands).
  for (const run of runs) {
    for (const other of otherStages) modelCode(run.stages[other]?.model ?? '-');
    const served = run.stages[stage];
    if (served) modelCode(served.model);
  }
  const radix = modelCodes.size;
  // Numbers stay exact below 2^53; past that (hundreds of models in use) keys fall back to strings.
  const exact = (runs.length + 1) * radix ** (otherStages.length + 1) < Number.MAX_SAFE_INTEGER;
  const combine = (key: number | string, code: number): number | string => (exact ? (key as number) * radix + code : `${key}:${code}`);
  const documentCodes = new Map<string, number>();
  const sums = new Map<number | string, Sums>();
  const firstModel = new Map<number | string, number>();
  const meeting = new Map<number | string, number[]>();
  for (const run of runs) {
    const facts = run.stages[stage];
    if (!facts) continue;
    let document = documentCodes.get(run.documentKey);
    if (document === undefined) documentCodes.set(run.documentKey, (document = documentCodes.size));
    let groupKey: number | string = document;
    for (const other of otherStages) groupKey = combine(groupKey, modelCodes.get(run.stages[other]?.model ?? '-')!);
    const model = modelCodes.get(facts.model)!;
    const key = combine(groupKey, model);
    let entry = sums.get(key);
    if (!entry) {
      sums.set(key, (entry = { first: run.first, runs: 0, accuracy: 0, cost: 0, latency: 0 }));
      const first = firstModel.get(groupKey);
      if (first === undefined) firstModel.set(groupKey, model);
      else meeting.set(groupKey, [...(meeting.get(groupKey) ?? [first]), model]);
    }
    entry.first = Math.min(entry.first, run.first);
    entry.runs += run.runs;
    entry.accuracy += run.accuracy;
    entry.cost += facts.costUsd;
    entry.latency += facts.latencyMs;
  }

  const names = [...modelCodes.keys()];
  const ordered = new Map<string, Array<{ order: number; pair: [Side, Side] }>>();
  for (const [groupKey, models] of meeting) {
    const sides = models.map((model) => {
      const entry = sums.get(combine(groupKey, model))!;
      return { model: names[model]!, first: entry.first, side: { accuracy: entry.accuracy / entry.runs, cost: entry.cost / entry.runs, latency: entry.latency / entry.runs } };
    });
    for (const a of sides) {
      for (const b of sides) {
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
