import { toNumber } from '../db/pool.ts';
import { anonymousConfigurationId } from '../db/configurations.ts';
import { insertQueueItems, type NewQueueItem } from '../db/queue-items.ts';
import type { ModelConfig } from '../contract/model-config.ts';
import { logger } from '../logger.ts';
import { startExtraction } from '../runs/start-extraction.ts';
import { quantile } from '../analytics/statistics.ts';
import { startCommandStack } from './command-stack.ts';

export interface BenchOptions {
  items: number;
  latencyMs: number;
  concurrency: number;
  json: boolean;
}

/** A model whose simulated latency factor is 1, so that one call takes the given latency. */
const BENCH_MODEL = 'gemini-3.5-flash';
const STAGES = 6;
const PROBE_ITEMS = 5;

function benchDocument(n: number): NewQueueItem {
  return {
    text: [`Document type: invoice`, `Invoice Number: B-${10_000 + n}`, `Total Amount: ${(n * 3.17 + 20).toFixed(2)}`, `Issue Date: 2026-0${(n % 9) + 1}-15`].join('\n'),
    mimeType: 'text/plain',
    filename: null,
    bytes: 0,
    schema: {
      name: 'invoice',
      fields: [
        { name: 'invoice_number', type: 'string', description: '', required: true },
        { name: 'total_amount', type: 'number', description: '', required: true },
        { name: 'issue_date', type: 'date', description: '', required: false },
      ],
    },
    expected: null,
    metadata: { bench: true },
  };
}

/**
 * `quarry bench`: N items through the real stack — a Temporal dev server, an embedded PostgreSQL,
 * one worker allowed C concurrent activities, the simulator answering each call in L ms — and what
 * it measured against what C concurrent calls of latency L allow. Everything it starts is its own
 * and is stopped afterwards.
 */
export async function bench(options: BenchOptions, say: (line: string) => void): Promise<void> {
  if (!process.env.QUARRY_LOG_LEVEL) logger.level = 'warn';
  say(`${options.items} items, ${options.latencyMs} ms per call, ${options.concurrency} concurrent calls.`);
  const { pool, temporal, settings, stop } = await startCommandStack({
    services: 'throwaway',
    concurrency: options.concurrency,
    env: {
      QUARRY_PROVIDERS: 'simulated',
      QUARRY_SIM_LATENCY_MS: String(options.latencyMs),
      QUARRY_SIM_FAULTS: '',
      OPENAI_BASE_URL: '',
      ANTHROPIC_BASE_URL: '',
      GEMINI_BASE_URL: '',
    },
    say,
  });
  try {
    const config: ModelConfig = {
      temperature: 0,
      orchestrator_model: BENCH_MODEL,
      orchestrator_prompt: '',
      stage_models: { classify: [BENCH_MODEL], extract: [BENCH_MODEL], validate: [BENCH_MODEL] },
    };
    const configurationId = await anonymousConfigurationId(pool, config);
    const ids = await insertQueueItems(pool, Array.from({ length: options.items }, (_, n) => benchDocument(n)));

    say('Running...');
    const started = performance.now();
    const runs = await Promise.all(ids.map((id) => startExtraction({ pool, temporal, settings }, id, config, configurationId)));
    await Promise.all(runs.map((run) => temporal.workflow.getHandle(run.workflow_id, run.run_id).result().catch(() => undefined)));
    const wallSeconds = (performance.now() - started) / 1000;

    // Overhead is measured apart, one item at a time: under load an item's time also includes waiting
    // for a free activity slot, which is the concurrency limit at work, not orchestration.
    const probeIds = await insertQueueItems(pool, Array.from({ length: PROBE_ITEMS }, (_, n) => benchDocument(options.items + n)));
    for (const id of probeIds) {
      const run = await startExtraction({ pool, temporal, settings }, id, config, configurationId);
      await temporal.workflow.getHandle(run.workflow_id, run.run_id).result().catch(() => undefined);
    }
    const probe = await pool.query<{ item_ms: string; call_ms: string }>(
      `SELECT avg(extract(epoch FROM q.finished_at - q.started_at) * 1000) AS item_ms,
              avg((SELECT sum(response_time_ms) FROM model_usage u WHERE u.queue_item_id = q.id)) AS call_ms
         FROM ai_extraction_queue q WHERE q.id = ANY($1)`,
      [probeIds],
    );
    const overheadPerStage = ((toNumber(probe.rows[0]?.item_ms) ?? 0) - (toNumber(probe.rows[0]?.call_ms) ?? 0)) / STAGES;

    const items = await pool.query<{ status: string; ms: string }>(
      `SELECT status, extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM ai_extraction_queue WHERE id = ANY($1)`,
      [ids],
    );
    const calls = await pool.query<{ calls: string }>('SELECT count(*) AS calls FROM model_usage WHERE queue_item_id = ANY($1)', [ids]);
    const completed = items.rows.filter((row) => row.status === 'completed').length;
    const durations = items.rows.map((row) => toNumber(row.ms) ?? 0);
    const callsPerItem = (toNumber(calls.rows[0]?.calls) ?? 0) / options.items;
    const itemsPerSecond = options.items / wallSeconds;
    // C calls in flight at a time, each taking L: C / L calls per second, callsPerItem of them per item.
    const limit = options.concurrency / (callsPerItem * (options.latencyMs / 1000));
    const result = {
      items: options.items,
      completed,
      latency_ms: options.latencyMs,
      concurrency: options.concurrency,
      wall_seconds: Number(wallSeconds.toFixed(3)),
      calls_per_item: Number(callsPerItem.toFixed(2)),
      items_per_second: Number(itemsPerSecond.toFixed(3)),
      limit_items_per_second: Number(limit.toFixed(3)),
      ratio: Number((itemsPerSecond / limit).toFixed(3)),
      item_latency_p50_ms: Math.round(quantile(durations, 0.5) ?? Number.NaN),
      item_latency_p95_ms: Math.round(quantile(durations, 0.95) ?? Number.NaN),
      // Of an item run alone, the time not spent in provider calls, spread over its stages.
      orchestration_overhead_ms_per_stage: Number(overheadPerStage.toFixed(1)),
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      say('');
      say(`items             ${result.completed}/${result.items} completed in ${result.wall_seconds} s`);
      say(`throughput        ${result.items_per_second} items/s`);
      say(`limit             ${result.limit_items_per_second} items/s = ${options.concurrency} concurrent calls / (${result.calls_per_item} calls per item × ${options.latencyMs} ms)`);
      say(`ratio             ${result.ratio}`);
      say(`item latency      p50 ${result.item_latency_p50_ms} ms, p95 ${result.item_latency_p95_ms} ms`);
      say(`overhead          ${result.orchestration_overhead_ms_per_stage} ms per stage (${PROBE_ITEMS} items run alone: their time not spent in provider calls, over ${STAGES} stages)`);
    }
  } finally {
    await stop();
  }
}
