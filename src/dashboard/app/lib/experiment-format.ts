import { duration, percent, usd } from './format.ts';
import type { Decision } from '../../../contract/analytics.ts';
import type { ExperimentStatus, Interval, Outcome as ExperimentOutcome } from '../../../contract/experiments.ts';

// How experiment and recommendation numbers read: differences carry their sign and intervals their
// bounds, so "−18.3 pt" over "−28.3 pt to −8.3 pt" always reads as challenger minus control with its
// 95 % interval.

const sign = (value: number) => (value > 0 ? '+' : value < 0 ? '−' : '±');

/** A difference of shares in percentage points, signed: `+2.1 pt`. */
export function points(value: number): string {
  return `${sign(value)}${Math.abs(value * 100).toFixed(1)} pt`;
}

export function signedUsd(value: number): string {
  return `${sign(value)}${usd(Math.abs(value))}`;
}

export function signedDuration(ms: number): string {
  return `${sign(ms)}${duration(Math.abs(ms))}`;
}

/** `low to high` of an interval, each bound in the given format. */
export function range(interval: Interval | null | undefined, format: (value: number) => string): string {
  return interval ? `${format(interval.low)} to ${format(interval.high)}` : '—';
}

export const percentRange = (interval: Interval | null | undefined) => range(interval, (value) => percent(value));

export function pValue(value: number): string {
  return value < 0.001 ? '< 0.001' : value.toPrecision(2);
}

export const EXPERIMENT_STATUS_LABELS: Record<ExperimentStatus, string> = {
  running: 'Running',
  completed: 'Completed',
  budget_exhausted: 'Budget spent',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export const OUTCOME_LABELS: Record<ExperimentOutcome, string> = {
  more_accurate: 'More accurate',
  cheaper_without_significant_accuracy_difference: 'Cheaper, accuracy difference not significant',
  no_significant_difference: 'No significant difference',
  insufficient_evidence: 'Not enough evidence yet',
};

export const DECISION_LABELS: Record<Decision, string> = {
  switch: 'Switch',
  keep: 'Keep current',
  insufficient_evidence: 'Insufficient evidence',
};
