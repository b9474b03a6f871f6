import { MODEL_STAGES } from '../contract/stages.ts';
import type { LabelledEvidence } from '../db/recommendation-evidence.ts';
import { pairKey, stagePairs, type Side } from './stage-pairs.ts';
import { bootstrap, mean, wilsonInterval, type Interval } from './statistics.ts';

/*
 * Cost recommendations per stage. For a stage, the model serving most of its calls is the current
 * one; every cheaper model that served the same stage on labelled items is a candidate. A candidate
 * is judged only on paired evidence: runs on the same document whose other stages used the same
 * models, so the one difference between the two sides of a pair is the model of this stage. (An
 * unpaired comparison would mostly measure which documents each model happened to get.) An A/B
 * experiment that swaps one stage's model produces exactly such pairs.
 *
 * A switch is recommended when the 95 % paired-bootstrap interval of the accuracy difference stays
 * above −max_accuracy_loss (non-inferiority), the cost difference's interval is below zero, and the
 * candidate's failure rate is not significantly higher. It is declined when the accuracy lost is
 * larger than the margin; otherwise the evidence is called insufficient.
 */

export const STAGES = MODEL_STAGES;

export interface RecommendationOptions {
  maxAccuracyLoss: number;
  minPairs: number;
  windowDays: number;
}

export interface ModelVolume {
  stage: string;
  model: string;
  calls: number;
  successes: number;
}

type Estimate = { estimate: number; low: number; high: number };

export interface CandidateEvidence {
  model: string;
  decision: 'switch' | 'keep' | 'insufficient_evidence';
  reason: string;
  evidence: {
    pairs: number;
    accuracy_current: number | null;
    accuracy_candidate: number | null;
    accuracy_difference: Estimate | null;
    cost_per_item_current: number | null;
    cost_per_item_candidate: number | null;
    cost_difference_per_item: Estimate | null;
    latency_ms_current: number | null;
    latency_ms_candidate: number | null;
    latency_difference_ms: Estimate | null;
    failure_rate_current: { rate: number; calls: number; ci: Interval } | null;
    failure_rate_candidate: { rate: number; calls: number; ci: Interval } | null;
  };
  projected_saving: { per_item_usd: number; stage_runs_per_30_days: number; usd_per_30_days: number; usd_per_30_days_ci: Interval } | null;
}

export interface StageRecommendation {
  stage: string;
  current_model: string | null;
  current_stage_runs_per_30_days: number;
  candidates: CandidateEvidence[];
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const roundEstimate = (value: { estimate: number; low: number; high: number } | null, digits: number): Estimate | null =>
  value && { estimate: round(value.estimate, digits), low: round(value.low, digits), high: round(value.high, digits) };
const pct = (value: number) => `${(value * 100).toFixed(1)} points`;

function failureRate(volume: ModelVolume | undefined) {
  if (!volume || volume.calls === 0) return null;
  const failures = volume.calls - volume.successes;
  const ci = wilsonInterval(failures, volume.calls)!;
  return { rate: round(failures / volume.calls, 5), calls: volume.calls, ci: { low: round(ci.low, 5), high: round(ci.high, 5) } };
}

/**
 * Recommendations for every stage that has calls in the window: one entry per model in use on the
 * stage (most used first), since a team may run several configurations at once. The most used model
 * always has an entry; another only when some cheaper model has paired evidence against it.
 */
export function recommend(evidence: LabelledEvidence, volumes: readonly ModelVolume[], options: RecommendationOptions, stages: readonly string[] = STAGES): StageRecommendation[] {
  return stages.flatMap((stage) => {
    const stageVolumes = volumes.filter((volume) => volume.stage === stage).sort((a, b) => b.successes - a.successes || a.model.localeCompare(b.model));
    if (stageVolumes.length === 0) return [{ stage, current_model: null, current_stage_runs_per_30_days: 0, candidates: [] }];
    const pairs = stagePairs(evidence.groups, stage, STAGES.filter((other) => other !== stage));
    const served = new Set(evidence.served[stage] ?? []);
    return stageVolumes.flatMap((volume, rank) => {
      const entry = recommendFor(served, pairs, stage, volume.model, stageVolumes, options);
      return rank === 0 || entry.candidates.some((candidate) => candidate.evidence.pairs > 0) ? [entry] : [];
    });
  });
}

function recommendFor(served: ReadonlySet<string>, stagePairsOf: ReadonlyMap<string, Array<[Side, Side]>>, stage: string, current: string, stageVolumes: readonly ModelVolume[], options: RecommendationOptions): StageRecommendation {
  const perThirtyDays = 30 / options.windowDays;
  const currentRuns = (stageVolumes.find((volume) => volume.model === current)?.successes ?? 0) * perThirtyDays;
  const candidates: CandidateEvidence[] = [];
  for (const model of [...served].filter((other) => other !== current).sort()) {
    const pairs = stagePairsOf.get(pairKey(current, model)) ?? [];
    // Resampling the per-pair differences draws the same pairs as resampling the pairs themselves.
    const accuracy = bootstrap(pairs.map(([a, b]) => b.accuracy - a.accuracy), mean, { seed: 101 });
    const cost = bootstrap(pairs.map(([a, b]) => b.cost - a.cost), mean, { seed: 103 });
    const latency = bootstrap(pairs.map(([a, b]) => b.latency - a.latency), mean, { seed: 107 });
    // Only cheaper models are cost recommendations; a dearer one is not listed.
    if (cost && cost.estimate >= 0) continue;
    const failureCurrent = failureRate(stageVolumes.find((volume) => volume.model === current));
    const failureCandidate = failureRate(stageVolumes.find((volume) => volume.model === model));
    const evidence: CandidateEvidence['evidence'] = {
      pairs: pairs.length,
      accuracy_current: pairs.length ? round(mean(pairs.map(([a]) => a.accuracy)), 5) : null,
      accuracy_candidate: pairs.length ? round(mean(pairs.map(([, b]) => b.accuracy)), 5) : null,
      accuracy_difference: roundEstimate(accuracy, 5),
      cost_per_item_current: pairs.length ? round(mean(pairs.map(([a]) => a.cost)), 8) : null,
      cost_per_item_candidate: pairs.length ? round(mean(pairs.map(([, b]) => b.cost)), 8) : null,
      cost_difference_per_item: roundEstimate(cost, 8),
      latency_ms_current: pairs.length ? round(mean(pairs.map(([a]) => a.latency)), 1) : null,
      latency_ms_candidate: pairs.length ? round(mean(pairs.map(([, b]) => b.latency)), 1) : null,
      latency_difference_ms: roundEstimate(latency, 1),
      failure_rate_current: failureCurrent,
      failure_rate_candidate: failureCandidate,
    };
    const saving =
      cost && cost.high < 0
        ? {
            per_item_usd: round(-cost.estimate, 8),
            stage_runs_per_30_days: Math.round(currentRuns),
            usd_per_30_days: round(-cost.estimate * currentRuns, 2),
            usd_per_30_days_ci: { low: round(-cost.high * currentRuns, 2), high: round(-cost.low * currentRuns, 2) },
          }
        : null;
    const decide = (decision: CandidateEvidence['decision'], reason: string) =>
      candidates.push({ model, decision, reason, evidence, projected_saving: decision === 'switch' ? saving : null });

    if (pairs.length < options.minPairs || !accuracy || !cost) {
      decide(
        'insufficient_evidence',
        `Not enough evidence yet: ${pairs.length} paired labelled item${pairs.length === 1 ? '' : 's'} (same document, same models on the other stages) compare ${model} with ${current} on ${stage}; ${options.minPairs} are needed. An experiment with two configurations that differ only in the ${stage} model gathers them.`,
      );
      continue;
    }
    const loss = `accuracy difference ${accuracy.estimate >= 0 ? '+' : ''}${pct(accuracy.estimate)} (95 % CI ${pct(accuracy.low)} to ${pct(accuracy.high)}, ${pairs.length} pairs)`;
    if (accuracy.estimate < -options.maxAccuracyLoss) {
      decide('keep', `Keep ${current}: ${model} is cheaper but loses accuracy — ${loss}, more than the ${pct(options.maxAccuracyLoss)} allowed.`);
      continue;
    }
    if (failureCurrent && failureCandidate && failureCandidate.ci.low > failureCurrent.ci.high) {
      decide('keep', `Keep ${current}: ${model} fails significantly more often (${(failureCandidate.rate * 100).toFixed(1)} % of calls vs ${(failureCurrent.rate * 100).toFixed(1)} %).`);
      continue;
    }
    if (accuracy.low >= -options.maxAccuracyLoss && cost.high < 0) {
      decide(
        'switch',
        `Switch ${stage} from ${current} to ${model}: ${loss}, within the ${pct(options.maxAccuracyLoss)} allowed; it saves $${(-cost.estimate).toFixed(6)} per item` +
          (saving ? `, about $${saving.usd_per_30_days.toFixed(2)} per 30 days at the current volume (${saving.stage_runs_per_30_days} ${stage} runs).` : '.'),
      );
      continue;
    }
    decide(
      'insufficient_evidence',
      `Not enough evidence yet: ${loss}; a loss larger than ${pct(options.maxAccuracyLoss)} cannot be ruled out${cost.high < 0 ? '' : ', and the saving is not significant'}. More paired labelled items would settle it.`,
    );
  }
  return { stage, current_model: current, current_stage_runs_per_30_days: Math.round(currentRuns), candidates };
}
