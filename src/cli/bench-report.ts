/** What `quarry bench` measured: its JSON line, field for field. */
export interface BenchResult {
  items: number;
  completed: number;
  latency_ms: number;
  concurrency: number;
  wall_seconds: number;
  calls_per_item: number;
  items_per_second: number;
  limit_items_per_second: number;
  ratio: number;
  item_latency_p50_ms: number;
  item_latency_p95_ms: number;
  orchestration_overhead_ms_per_stage: number;
  history_events_per_item: number;
  workflow_tasks_per_item: number;
  activities_per_item: number;
  local_activities_per_item: number;
  /** Runs whose first workflow task the server handed back with the start (eager workflow start). */
  eagerly_started: number;
  /** Per item, by activity type: ms waiting for a worker slot and ms running (from the histories' timestamps). */
  activity_ms_per_item: Record<string, { queued: number; running: number }>;
  /** Per item: ms workflow tasks waited for the worker, and ms the worker took to complete them. */
  workflow_task_ms_per_item: { queued: number; running: number };
  /** PostgreSQL round trips per item, by the activity that made them (`outside`: the client's and the bench's own). */
  db_round_trips_per_item: Record<string, number>;
  /** CPU milliseconds per item of each component over the run: the worker's process, the Temporal server, PostgreSQL, the simulator. */
  cpu_ms_per_item: { worker: number; temporal: number; postgres: number; simulator: number };
  /** The machine's 1-minute load average before and after the run (on 2 cores, above 2 means other work waits too). */
  load_average: [number, number];
  /** With `--rpm`: the limit, the calls a minute the run made, and the 429 answers among them. */
  rpm?: number;
  calls_per_minute?: number;
  rate_limited?: number;
}

/** The result as one JSON line, or as the table a person reads. */
export function printBench(result: BenchResult, json: boolean, say: (line: string) => void): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const trips = Object.entries(result.db_round_trips_per_item).sort(([a], [b]) => a.localeCompare(b));
  const tripsTotal = trips.reduce((sum, [, count]) => sum + count, 0);
  const cpu = result.cpu_ms_per_item;
  say('');
  say(`items             ${result.completed}/${result.items} completed in ${result.wall_seconds} s`);
  say(`throughput        ${result.items_per_second} items/s`);
  say(`limit             ${result.limit_items_per_second} items/s = ${result.concurrency} concurrent calls / (${result.calls_per_item} calls per item × ${result.latency_ms} ms)`);
  say(`ratio             ${result.ratio}`);
  say(`item latency      p50 ${result.item_latency_p50_ms} ms, p95 ${result.item_latency_p95_ms} ms`);
  say(`overhead          ${result.orchestration_overhead_ms_per_stage} ms per stage (items run alone: their time not spent in provider calls, over the stages)`);
  say(`history           ${result.history_events_per_item} events, ${result.workflow_tasks_per_item} workflow tasks, ${result.activities_per_item} activities and ${result.local_activities_per_item} local activities per item`);
  const activities = Object.entries(result.activity_ms_per_item).sort(([a], [b]) => a.localeCompare(b));
  say(`eager starts      ${result.eagerly_started} of ${result.items} runs started eagerly on the bench's worker`);
  say(`activities        ms per item queued/running: ${activities.map(([type, ms]) => `${type} ${ms.queued}/${ms.running}`).join(', ')}`);
  say(`workflow tasks    ${result.workflow_task_ms_per_item.queued} ms queued, ${result.workflow_task_ms_per_item.running} ms running per item`);
  say(`database          ${tripsTotal.toFixed(1)} round trips per item: ${trips.map(([activity, count]) => `${activity} ${count}`).join(', ')}`);
  say(`CPU per item      worker ${cpu.worker} ms, Temporal ${cpu.temporal} ms, PostgreSQL ${cpu.postgres} ms, simulator ${cpu.simulator} ms`);
  say(`load average      ${result.load_average[0]} before, ${result.load_average[1]} after (1 min)`);
  if (result.rpm !== undefined) {
    say(`rate limit        ${result.calls_per_minute} calls a minute against ${result.rpm}; ${result.rate_limited} answered 429`);
  }
}
