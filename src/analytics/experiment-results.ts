import type { ArmSummary, Comparison, ExperimentVerdict, Outcome } from '../contract/experiments.ts';
import type { ExperimentRunFacts } from '../db/experiments.ts';
import { bootstrap, holmAdjust, mcnemarExact, mean, quantile, wilsonInterval, type Interval } from './statistics.ts';

/*
 * The analysis of an A/B experiment. The design is paired: every source item ran under every arm,
 * so arms are compared on the same documents and document difficulty cancels out.
 *
 * - "Correct" for the accuracy test is an item whose every labelled field is right (accuracy 1). The
 *   fields of one document are not independent (a model that misreads a layout misreads several),
 *   so per-field pairs would overstate the evidence; the item is the unit that was randomised-over,
 *   and "no field needs fixing" is what a team pays a reviewer for. The test is the exact McNemar
 *   test on those per-item pairs (Holm-adjusted when several arms are compared with the control).
 * - Mean field accuracy (the figure configuration analytics show) is reported per arm with a
 *   bootstrap interval, and its paired difference with a paired bootstrap interval.
 * - Cost and latency differences are paired bootstrap intervals (seeded: the same data gives the
 *   same numbers): mean cost per item, and the difference of median latencies.
 */

export const ALPHA = 0.05;
/** Below this many complete labelled pairs no verdict is given. */
export const MIN_PAIRS = 10;

export type { ArmSummary, Comparison, ExperimentVerdict, Outcome };

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
const usd = (value: number) => `$${Math.abs(value) < 0.01 ? value.toFixed(6) : value.toFixed(4)}`;
const interval = (estimate: number, ci: Interval | null, digits: number) =>
  ci ? { estimate: round(estimate, digits), low: round(ci.low, digits), high: round(ci.high, digits) } : null;

export function summariseArm(arm: { arm: number; name: string; configuration_id: string }, runs: readonly ExperimentRunFacts[]): ArmSummary {
  const completed = runs.filter((run) => run.status === 'completed');
  const failed = runs.filter((run) => run.status === 'failed');
  const cancelled = runs.filter((run) => run.status === 'cancelled');
  const decided = completed.length + failed.length;
  const scored = completed.filter((run) => run.labelled && run.accuracy !== null);
  const accuracies = scored.map((run) => run.accuracy!);
  const exact = accuracies.filter((value) => value === 1).length;
  const accuracyCi = bootstrap(accuracies, mean, { seed: 1 + arm.arm });
  const costed = [...completed, ...failed];
  const latencies = completed.flatMap((run) => (run.duration_ms === null ? [] : [run.duration_ms]));
  return {
    arm: arm.arm,
    name: arm.name,
    configuration_id: arm.configuration_id,
    runs: runs.length,
    finished: decided + cancelled.length,
    completed: completed.length,
    failed: failed.length,
    cancelled: cancelled.length,
    success_rate: decided > 0 ? round(completed.length / decided, 5) : null,
    success_rate_ci: wilsonInterval(completed.length, decided),
    labelled_completed: scored.length,
    accuracy: accuracies.length > 0 ? round(mean(accuracies), 5) : null,
    accuracy_ci: accuracyCi && { low: round(accuracyCi.low, 5), high: round(accuracyCi.high, 5) },
    exact_match_rate: scored.length > 0 ? round(exact / scored.length, 5) : null,
    exact_match_ci: wilsonInterval(exact, scored.length),
    cost_usd_total: round(runs.reduce((sum, run) => sum + run.cost_usd, 0), 8),
    cost_usd_per_item: costed.length > 0 ? round(mean(costed.map((run) => run.cost_usd)), 8) : null,
    latency_ms_p50: quantile(latencies, 0.5),
    latency_ms_p95: quantile(latencies, 0.95),
  };
}

interface Pair {
  control: ExperimentRunFacts;
  arm: ExperimentRunFacts;
}

function pairsOf(runs: readonly ExperimentRunFacts[], controlArm: number, arm: number): Pair[] {
  const bySource = new Map<string, Partial<Pair>>();
  for (const run of runs) {
    if (run.arm !== controlArm && run.arm !== arm) continue;
    const entry = bySource.get(run.source_item_id) ?? {};
    if (run.arm === controlArm) entry.control = run;
    else entry.arm = run;
    bySource.set(run.source_item_id, entry);
  }
  return [...bySource.values()].filter((pair): pair is Pair => pair.control !== undefined && pair.arm !== undefined);
}

const scoredPair = (pair: Pair) =>
  pair.control.status === 'completed' && pair.arm.status === 'completed' && pair.control.accuracy !== null && pair.arm.accuracy !== null;

export function compareArms(
  runs: readonly ExperimentRunFacts[],
  names: ReadonlyMap<number, string>,
  controlArm: number,
  arm: number,
): Omit<Comparison, 'mcnemar'> & { mcnemar: Omit<NonNullable<Comparison['mcnemar']>, 'p_value_adjusted'> | null } {
  const all = pairsOf(runs, controlArm, arm);
  const scored = all.filter(scoredPair);
  const costed = all.filter((pair) => pair.control.status !== 'cancelled' && pair.arm.status !== 'cancelled' && pair.control.status !== 'pending' && pair.arm.status !== 'pending');
  const timed = all.filter((pair) => pair.control.duration_ms !== null && pair.arm.duration_ms !== null && pair.control.status === 'completed' && pair.arm.status === 'completed');

  const accuracy = bootstrap(scored, (sample) => mean(sample.map((p) => p.arm.accuracy! - p.control.accuracy!)), { seed: 11 + arm });
  const cost = bootstrap(costed, (sample) => mean(sample.map((p) => p.arm.cost_usd - p.control.cost_usd)), { seed: 23 + arm });
  const latency = bootstrap(
    timed,
    (sample) => (quantile(sample.map((p) => p.arm.duration_ms!), 0.5) ?? 0) - (quantile(sample.map((p) => p.control.duration_ms!), 0.5) ?? 0),
    { seed: 37 + arm },
  );
  const test = scored.length > 0 ? mcnemarExact(scored.map((p) => [p.control.accuracy === 1, p.arm.accuracy === 1] as const)) : null;
  return {
    control_arm: controlArm,
    arm,
    pairs: scored.length,
    accuracy_difference: accuracy && interval(accuracy.estimate, accuracy, 5),
    mcnemar: test && { control_only_correct: test.firstOnly, arm_only_correct: test.secondOnly, p_value: round(test.pValue, 6) },
    cost_difference_per_item: cost && interval(cost.estimate, cost, 8),
    latency_p50_difference_ms: latency && interval(latency.estimate, latency, 1),
    outcome: 'insufficient_evidence',
    winner_arm: null,
    summary: `${names.get(arm)} vs ${names.get(controlArm)}`,
  };
}

/** The verdict of one comparison from its numbers; `pAdjusted` is the McNemar p after Holm. */
export function judge(comparison: Omit<Comparison, 'outcome' | 'winner_arm' | 'summary'>, names: ReadonlyMap<number, string>): Pick<Comparison, 'outcome' | 'winner_arm' | 'summary'> {
  const control = names.get(comparison.control_arm) ?? `arm ${comparison.control_arm}`;
  const challenger = names.get(comparison.arm) ?? `arm ${comparison.arm}`;
  const { mcnemar, accuracy_difference: accuracy, cost_difference_per_item: cost } = comparison;
  if (comparison.pairs < MIN_PAIRS || !mcnemar || !accuracy) {
    return {
      outcome: 'insufficient_evidence',
      winner_arm: null,
      summary: `Not enough evidence yet: ${comparison.pairs} labelled item${comparison.pairs === 1 ? '' : 's'} finished under both ${control} and ${challenger}; at least ${MIN_PAIRS} are needed for a verdict.`,
    };
  }
  const accuracyText = `mean field accuracy ${accuracy.estimate >= 0 ? '+' : ''}${pct(accuracy.estimate)} (95 % CI ${pct(accuracy.low)} to ${pct(accuracy.high)})`;
  const costText = cost
    ? cost.high < 0
      ? `${challenger} costs ${usd(-cost.estimate)} less per item (95 % CI ${usd(-cost.high)} to ${usd(-cost.low)})`
      : cost.low > 0
        ? `${challenger} costs ${usd(cost.estimate)} more per item (95 % CI ${usd(cost.low)} to ${usd(cost.high)})`
        : `the cost difference is not significant (${usd(cost.estimate)} per item, 95 % CI ${usd(cost.low)} to ${usd(cost.high)})`
    : 'no cost comparison yet';
  const testText = `McNemar exact p = ${mcnemar.p_value_adjusted.toPrecision(3)} on ${comparison.pairs} paired items (fully correct only under ${control}: ${mcnemar.control_only_correct}, only under ${challenger}: ${mcnemar.arm_only_correct})`;
  if (mcnemar.p_value_adjusted < ALPHA) {
    const armBetter = mcnemar.arm_only_correct > mcnemar.control_only_correct;
    const [better, worse] = armBetter ? [challenger, control] : [control, challenger];
    return {
      outcome: 'more_accurate',
      winner_arm: armBetter ? comparison.arm : comparison.control_arm,
      summary: `${better} is significantly more accurate than ${worse}: ${testText}; ${challenger} vs ${control}: ${accuracyText}. ${capitalise(costText)}.`,
    };
  }
  if (cost && (cost.high < 0 || cost.low > 0)) {
    const armCheaper = cost.high < 0;
    return {
      outcome: 'cheaper_without_significant_accuracy_difference',
      winner_arm: armCheaper ? comparison.arm : comparison.control_arm,
      summary: `The accuracy difference is not significant (${testText}; ${challenger} vs ${control}: ${accuracyText} — a loss as large as the interval's lower end is not ruled out), and ${costText}.`,
    };
  }
  return {
    outcome: 'no_significant_difference',
    winner_arm: null,
    summary: `No significant difference: ${testText}; ${challenger} vs ${control}: ${accuracyText}; ${costText}.`,
  };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Per arm summaries, every arm compared with the control (arm 0), and the experiment's verdict. */
export function analyseExperiment(
  arms: ReadonlyArray<{ arm: number; name: string; configuration_id: string }>,
  runs: readonly ExperimentRunFacts[],
  final: boolean,
): { arms: ArmSummary[]; comparisons: Comparison[]; verdict: ExperimentVerdict } {
  const names = new Map(arms.map((arm) => [arm.arm, arm.name]));
  const summaries = arms.map((arm) => summariseArm(arm, runs.filter((run) => run.arm === arm.arm)));
  const raw = arms.slice(1).map((arm) => compareArms(runs, names, 0, arm.arm));
  const adjusted = holmAdjust(raw.map((comparison) => comparison.mcnemar?.p_value ?? 1));
  const comparisons: Comparison[] = raw.map((comparison, index) => {
    const withAdjusted = {
      ...comparison,
      mcnemar: comparison.mcnemar && { ...comparison.mcnemar, p_value_adjusted: round(adjusted[index]!, 6) },
    };
    return { ...withAdjusted, ...judge(withAdjusted, names) };
  });

  const provisional = final ? '' : ' (provisional: runs are still going)';
  let verdict: ExperimentVerdict;
  if (comparisons.length === 1) {
    const only = comparisons[0]!;
    verdict = { final, winner_arm: only.winner_arm, outcome: only.outcome, summary: only.summary + provisional };
  } else {
    const accurate = comparisons.filter((c) => c.outcome === 'more_accurate' && c.winner_arm !== 0);
    const cheaper = comparisons.filter((c) => c.outcome === 'cheaper_without_significant_accuracy_difference' && c.winner_arm !== 0);
    const best = (candidates: Comparison[], by: (summary: ArmSummary) => number) =>
      candidates.map((c) => summaries[c.arm]!).sort((a, b) => by(b) - by(a))[0];
    const pick = accurate.length > 0 ? best(accurate, (s) => s.exact_match_rate ?? 0) : cheaper.length > 0 ? best(cheaper, (s) => -(s.cost_usd_per_item ?? 0)) : undefined;
    const outcome: Outcome = comparisons.every((c) => c.outcome === 'insufficient_evidence')
      ? 'insufficient_evidence'
      : accurate.length > 0
        ? 'more_accurate'
        : cheaper.length > 0
          ? 'cheaper_without_significant_accuracy_difference'
          : 'no_significant_difference';
    verdict = {
      final,
      winner_arm: pick?.arm ?? (comparisons.some((c) => c.outcome === 'more_accurate' && c.winner_arm === 0) && accurate.length === 0 ? 0 : null),
      outcome,
      summary: comparisons.map((c) => c.summary).join(' ') + provisional,
    };
  }
  return { arms: summaries, comparisons, verdict };
}
