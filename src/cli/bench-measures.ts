import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Context } from '@temporalio/activity';
import type { Client, WorkflowClientInterceptor } from '@temporalio/client';
import type { Pool } from '../db/pool.ts';

/*
 * What `quarry bench` measures besides time: the CPU each component spends (read from /proc for the
 * processes the bench started, from the process itself for the worker), the history each run leaves
 * in Temporal, the PostgreSQL round trips each activity makes, and optionally a CPU profile of the
 * worker's process.
 */

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux almost everywhere). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  ppid: number;
  /** Own user and system time plus that of its reaped children, in ticks. */
  ticks: number;
}

function readStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const [ppid, utime, stime, cutime, cstime] = [fields[1], fields[11], fields[12], fields[13], fields[14]].map(Number);
      stats.set(Number(entry), { ppid: ppid!, ticks: utime! + stime! + cutime! + cstime! });
    } catch {
      // The process ended while the table was read; its time is now its parent's.
    }
  }
  return stats;
}

/**
 * CPU milliseconds of each named process and all its descendants so far. A child that ended was
 * reaped into its parent's children's time, so the sum stays whole across the children coming and going.
 */
export function cpuMsByTree<K extends string>(roots: Record<K, number>): Record<K, number> {
  const stats = readStats();
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  const treeTicks = (pid: number): number => (stats.get(pid)?.ticks ?? 0) + (children.get(pid) ?? []).reduce((sum, child) => sum + treeTicks(child), 0);
  return Object.fromEntries(Object.entries<number>(roots).map(([name, pid]) => [name, (treeTicks(pid) * 1000) / TICKS_PER_SECOND])) as Record<K, number>;
}

/** This process's CPU milliseconds (every thread: JavaScript, the Temporal core's, libuv's). */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export interface HistoryStats {
  eventsPerItem: number;
  workflowTasksPerItem: number;
  activitiesPerItem: number;
  /** Local activities: run inside a workflow task, recorded as markers. */
  localActivitiesPerItem: number;
  /** Per item, by activity type: milliseconds waiting for a worker slot (scheduled → started) and running (started → closed). */
  activityMs: Record<string, { queued: number; running: number }>;
  /** Per item: milliseconds workflow tasks waited for the worker, and the worker took to complete them. */
  workflowTaskMs: { queued: number; running: number };
}

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

const millis = (event: HistoryEvent | undefined) => (event?.eventTime ? Number(event.eventTime.seconds ?? 0) * 1000 + (event.eventTime.nanos ?? 0) / 1e6 : 0);

/**
 * Per run, on average: its history's events, the workflow tasks it took and the activities it
 * scheduled, and where its time went between them, from the events' own timestamps (the server's clock).
 */
export async function historyStats(temporal: Client, runs: ReadonlyArray<{ workflow_id: string; run_id: string }>): Promise<HistoryStats> {
  let events = 0;
  let workflowTasks = 0;
  let activities = 0;
  let localActivities = 0;
  const activityMs: Record<string, { queued: number; running: number }> = {};
  const workflowTaskMs = { queued: 0, running: 0 };
  for (let start = 0; start < runs.length; start += 20) {
    const histories = await Promise.all(runs.slice(start, start + 20).map((run) => temporal.workflow.getHandle(run.workflow_id, run.run_id).fetchHistory()));
    for (const history of histories) {
      const byId = new Map<number, HistoryEvent>();
      for (const event of history.events ?? []) {
        events += 1;
        byId.set(Number(event.eventId), event);
        if (event.activityTaskScheduledEventAttributes) activities += 1;
        // The marker the SDK's core records for each local activity's result.
        if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') localActivities += 1;
        const started = event.activityTaskStartedEventAttributes;
        const closed = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
        if (started) {
          const scheduled = byId.get(Number(started.scheduledEventId));
          const type = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? 'unknown';
          (activityMs[type] ??= { queued: 0, running: 0 }).queued += millis(event) - millis(scheduled);
        }
        if (closed) {
          const type = byId.get(Number(closed.scheduledEventId))?.activityTaskScheduledEventAttributes?.activityType?.name ?? 'unknown';
          (activityMs[type] ??= { queued: 0, running: 0 }).running += millis(event) - millis(byId.get(Number(closed.startedEventId)));
        }
        const taskStarted = event.workflowTaskStartedEventAttributes;
        if (taskStarted) workflowTaskMs.queued += millis(event) - millis(byId.get(Number(taskStarted.scheduledEventId)));
        const taskCompleted = event.workflowTaskCompletedEventAttributes;
        if (taskCompleted) {
          workflowTasks += 1;
          workflowTaskMs.running += millis(event) - millis(byId.get(Number(taskCompleted.startedEventId)));
        }
      }
    }
  }
  const per = (total: number) => Number((total / Math.max(1, runs.length)).toFixed(1));
  return {
    eventsPerItem: per(events),
    workflowTasksPerItem: per(workflowTasks),
    activitiesPerItem: per(activities),
    localActivitiesPerItem: per(localActivities),
    activityMs: Object.fromEntries(Object.entries(activityMs).map(([type, ms]) => [type, { queued: per(ms.queued), running: per(ms.running) }])),
    workflowTaskMs: { queued: per(workflowTaskMs.queued), running: per(workflowTaskMs.running) },
  };
}

/**
 * Counts the pool's round trips by the activity that made them (`outside` for the bench's own
 * queries and the client's): every query of every connection, transactions' BEGIN and COMMIT
 * included. Returns a reader of the counts so far.
 */
export function countRoundTrips(pool: Pool): { counts(): Record<string, number>; reset(): void } {
  let counts: Record<string, number> = {};
  const wrapped = new WeakSet<object>();
  pool.on('connect', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      let activity = 'outside';
      try {
        activity = Context.current().info.activityType;
      } catch {
        // Not inside an activity.
      }
      counts[activity] = (counts[activity] ?? 0) + 1;
      return query(...args);
    }) as typeof client.query;
  });
  return { counts: () => ({ ...counts }), reset: () => (counts = {}) };
}

/** Counts the runs the server started eagerly (their first workflow task handed back with the start). */
export function countEagerStarts(): { interceptor: WorkflowClientInterceptor; count(): number; reset(): void } {
  let eager = 0;
  return {
    interceptor: {
      async startWithDetails(input, next) {
        const output = await next(input);
        if (output.eagerlyStarted) eager += 1;
        return output;
      },
    },
    count: () => eager,
    reset: () => (eager = 0),
  };
}

/** Starts V8's sampling profiler in this process; `stop` writes a `.cpuprofile` (Chrome DevTools, speedscope). */
export async function startCpuProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
