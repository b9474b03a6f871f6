import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Quarry's Prometheus metrics. Provider calls are counted where they are written to the ledger, so
 * the metrics and the ledger agree; the Temporal worker runtime's own metrics (task slots, polls,
 * schedule-to-start latency, workflow and activity counts) come from its exporter and are appended
 * to the same scrape.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'quarry_process_' });

const providerLabels = ['model', 'provider', 'stage'] as const;

export const providerCalls = new Counter({
  name: 'quarry_provider_calls_total',
  help: 'Provider call attempts, by model, provider, stage and outcome (success, or the error kind)',
  labelNames: [...providerLabels, 'outcome'],
  registers: [registry],
});
export const providerTokens = new Counter({
  name: 'quarry_provider_tokens_total',
  help: 'Tokens billed by providers, by model, provider, stage and direction (input or output)',
  labelNames: [...providerLabels, 'direction'],
  registers: [registry],
});
export const providerCost = new Counter({
  name: 'quarry_provider_cost_usd_total',
  help: 'Cost of provider calls in USD at catalog prices, by model, provider and stage',
  labelNames: providerLabels,
  registers: [registry],
});
export const providerLatency = new Histogram({
  name: 'quarry_provider_call_duration_seconds',
  help: 'Latency of provider call attempts, by model, provider and stage',
  labelNames: providerLabels,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
  registers: [registry],
});
export const httpRequests = new Histogram({
  name: 'quarry_http_request_duration_seconds',
  help: 'API requests, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const documentPageReads = new Histogram({
  name: 'quarry_document_page_read_seconds',
  help: 'Time to read one page of an uploaded document, by format and whether it was read by OCR',
  labelNames: ['format', 'ocr'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
  registers: [registry],
});

export interface ProviderCallMetric {
  model: string;
  provider: string;
  stage: string;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
}

export function recordProviderCall(call: ProviderCallMetric): void {
  const labels = { model: call.model, provider: call.provider, stage: call.stage };
  providerCalls.inc({ ...labels, outcome: call.outcome });
  providerTokens.inc({ ...labels, direction: 'input' }, call.inputTokens);
  providerTokens.inc({ ...labels, direction: 'output' }, call.outputTokens);
  providerCost.inc(labels, call.costUsd);
  providerLatency.observe(labels, call.latencyMs / 1000);
}

let runtimeMetricsUrl: string | undefined;

/** Where this process's Temporal worker runtime serves its own metrics, once a worker runtime exports them. */
export function setRuntimeMetricsAddress(address: string): void {
  runtimeMetricsUrl = `http://${address}/metrics`;
}

/** The scrape: Quarry's metrics, then the worker runtime's, when this process runs a worker. */
export async function renderMetrics(): Promise<string> {
  const own = await registry.metrics();
  if (!runtimeMetricsUrl) return own;
  try {
    const response = await fetch(runtimeMetricsUrl, { signal: AbortSignal.timeout(2000) });
    return `${own}\n# Temporal worker runtime\n${await response.text()}`;
  } catch {
    // A scrape without the runtime's part is better than a failed scrape.
    return own;
  }
}
