import { patternOf } from '../contract/schema/leaves.ts';
import type { ObjectNode } from '../contract/schema/schema-node.ts';
import { scoreData } from '../contract/schema/score-data.ts';

/**
 * What `quarry eval` reports, and how it is counted. A document's values are scored against its
 * gold with ExtractBench's rules (`scoreData`, `missingExpected: 'absent'`: a key the gold leaves out
 * means "not in the document"; list rows matched by optimal assignment; gold of another shape than
 * the schema left unscored and counted apart). Accuracy is over values: correct values / scored
 * values, per domain and overall (every value counts once, so a 10-Q with 300 values weighs more
 * than a résumé with 30); the mean of per-document accuracies is given beside it. A document whose
 * run failed scores nothing: it is counted as failed, with its error, not as 0 %.
 */

export interface DocumentOutcome {
  domain: string;
  document: string;
  status: string;
  error: string | null;
  /** Scored values and correct ones; 0 and 0 when the run did not complete. */
  values: number;
  correct: number;
  /** Gold values of another shape than the schema, left unscored. */
  unscored: number;
  costUsd: number;
  calls: number;
  seconds: number;
  /** Scored and correct values per schema path (completed documents only). */
  paths: Record<string, { values: number; correct: number }>;
}

export interface Figures {
  documents: number;
  completed: number;
  failed: number;
  values: number;
  correct: number;
  /** Correct values / scored values of the completed documents. */
  accuracy: number | null;
  /** The mean of the completed documents' own accuracies. */
  document_accuracy_mean: number | null;
  unscored_values: number;
  cost_usd: number;
  calls: number;
  /** The documents' run times added up (they run concurrently: see the report's wall time). */
  run_seconds: number;
}

export interface DomainReport extends Figures {
  domain: string;
  name: string;
  /** Refusals and dataset warnings (a schema Quarry refuses, a document without gold). */
  notes: string[];
  failures: Array<{ document: string; error: string }>;
  /** Accuracy per schema path (`/line_items/*\/amount`), for the completed documents. */
  paths: Array<{ path: string; values: number; correct: number; accuracy: number }>;
}

export interface EvalReport {
  dataset: string;
  configuration: { id: string; name: string | null; simulated: boolean };
  domains: DomainReport[];
  overall: Figures;
  wall_seconds: number;
}

/** A completed document's score, with its values counted per schema path. */
export function scoreDocument(root: ObjectNode, gold: unknown, data: unknown) {
  const score = scoreData(root, gold, data, { missingExpected: 'absent' });
  const byPath = new Map<string, { values: number; correct: number }>();
  for (const [pointer, entry] of Object.entries(score.fields)) {
    const path = patternOf(root, pointer) ?? pointer;
    const counts = byPath.get(path) ?? { values: 0, correct: 0 };
    counts.values += 1;
    if (entry.correct) counts.correct += 1;
    byPath.set(path, counts);
  }
  return { values: score.counted, correct: score.correct, unscored: score.unscored.length, byPath };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function figuresOf(outcomes: readonly DocumentOutcome[]): Figures {
  const completed = outcomes.filter((outcome) => outcome.status === 'completed');
  const values = completed.reduce((sum, outcome) => sum + outcome.values, 0);
  const correct = completed.reduce((sum, outcome) => sum + outcome.correct, 0);
  const scored = completed.filter((outcome) => outcome.values > 0);
  return {
    documents: outcomes.length,
    completed: completed.length,
    failed: outcomes.length - completed.length,
    values,
    correct,
    accuracy: values === 0 ? null : round(correct / values, 4),
    document_accuracy_mean: scored.length === 0 ? null : round(scored.reduce((sum, outcome) => sum + outcome.correct / outcome.values, 0) / scored.length, 4),
    unscored_values: completed.reduce((sum, outcome) => sum + outcome.unscored, 0),
    cost_usd: round(outcomes.reduce((sum, outcome) => sum + outcome.costUsd, 0), 6),
    calls: outcomes.reduce((sum, outcome) => sum + outcome.calls, 0),
    run_seconds: round(outcomes.reduce((sum, outcome) => sum + outcome.seconds, 0), 1),
  };
}

/** Values per schema path over the documents, least accurate first. */
export function pathsOf(outcomes: readonly DocumentOutcome[]): DomainReport['paths'] {
  const totals = new Map<string, { values: number; correct: number }>();
  for (const outcome of outcomes) {
    for (const [path, counts] of Object.entries(outcome.paths)) {
      const total = totals.get(path) ?? { values: 0, correct: 0 };
      total.values += counts.values;
      total.correct += counts.correct;
      totals.set(path, total);
    }
  }
  return [...totals.entries()]
    .map(([path, counts]) => ({ path, ...counts, accuracy: round(counts.correct / counts.values, 4) }))
    .sort((a, b) => a.accuracy - b.accuracy || b.values - a.values);
}

const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);

/** The report as the table the command prints. */
export function formatReport(report: EvalReport): string[] {
  const header = ['domain', 'docs', 'done', 'failed', 'values', 'accuracy', 'doc mean', 'unscored', 'cost', 'calls', 'run time'];
  const row = (label: string, figures: Figures) => [
    label,
    String(figures.documents),
    String(figures.completed),
    String(figures.failed),
    String(figures.values),
    percent(figures.accuracy),
    percent(figures.document_accuracy_mean),
    String(figures.unscored_values),
    `$${figures.cost_usd.toFixed(4)}`,
    String(figures.calls),
    `${figures.run_seconds.toFixed(1)} s`,
  ];
  const rows = [header, ...report.domains.map((domain) => row(domain.domain, domain)), row('overall', report.overall)];
  const widths = header.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const lines = [
    `${report.dataset} through ${report.configuration.name ?? report.configuration.id}${report.configuration.simulated ? ' (simulated providers)' : ''}; ${report.wall_seconds.toFixed(1)} s wall time`,
    '',
    line(header),
    ...rows.slice(1, -1).map(line),
    line(rows.at(-1)!),
  ];
  for (const domain of report.domains) {
    for (const note of domain.notes) lines.push(`${domain.domain}: ${note}`);
    for (const failure of domain.failures) lines.push(`${domain.domain}: ${failure.document} failed: ${failure.error}`);
  }
  return lines;
}
