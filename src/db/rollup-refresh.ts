import type { Pool, PoolClient } from './pool.ts';

/*
 * What every incremental roll-up's refresh shares (the ledger's, src/db/usage-rollup-refresh.ts;
 * the configuration runs', src/db/configuration-rollup-refresh.ts). A source table's statement
 * trigger notes each statement's new rows as ranges of consecutive ids in a pending table, in the
 * statement's own transaction; a refresh step, in one transaction with one snapshot, takes ranges up
 * to a chunk of ids, adds their rows to the roll-ups and recomputes the hours marked dirty. A step
 * commits whole or not at all and the ranges it took go with its commit, so every row is counted
 * exactly once. Only refreshes write roll-ups, one at a time under an advisory lock: the additions
 * never contend, and any hour can be recomputed from its source, so they are a cache, not counters.
 */

export interface RefreshOptions {
  /** Source ids (rows, at most) per transaction: bounds a step's time and locks. */
  chunkIds?: number;
  /** Stop after this long even when there is more to do; the next refresh carries on. */
  maxMs?: number;
  /** Called after every committed step, e.g. to heartbeat. */
  onStep?: (step: RefreshStep) => void;
}

export interface RefreshStep {
  /** Ids taken from pending ranges (rows plus gaps). */
  ids: number;
  /** Dirty hours recomputed from the source. */
  hours: number;
}

export interface RefreshOutcome {
  /** False when another refresh held the lock: nothing was done. */
  ran: boolean;
  steps: number;
  ids: number;
  hours: number;
  /** Whether nothing was left to roll up when it stopped. */
  caughtUp: boolean;
}

export interface RefreshSource {
  lock: string;
  pendingTable: 'usage_rollup_pending' | 'configuration_rollup_pending';
  /**
   * Run before working through a backlog of at least two chunks — a bulk load, which leaves its
   * table without planner statistics (and visibility map) until autovacuum gets to it, a minute or
   * more later: meanwhile the analytics' plans would be those of an empty table.
   */
  afterBulkLoad: string;
  step: (client: PoolClient, chunkIds: number) => Promise<RefreshStep>;
}

/**
 * Runs the source's step a transaction at a time until a step finds less than a chunk to do (it then
 * took all that was committed when it began) or `maxMs` has passed. Returns at once (`ran: false`)
 * while another refresh of the same lock runs.
 */
export async function runRefresh(pool: Pool, source: RefreshSource, options: RefreshOptions): Promise<RefreshOutcome> {
  const { lock, step } = source;
  const chunkIds = options.chunkIds ?? 250_000;
  const deadline = performance.now() + (options.maxMs ?? 60_000);
  const client = await pool.connect();
  const outcome: RefreshOutcome = { ran: false, steps: 0, ids: 0, hours: 0, caughtUp: false };
  try {
    // A session lock, taken before the step's transaction: its snapshot is then taken after the
    // previous refresh committed, so it sees that refresh's work (a transaction-level lock would be
    // taken after the snapshot).
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 7)) AS ok', [lock]);
    if (!locked.rows[0]?.ok) return outcome;
    outcome.ran = true;
    try {
      const backlog = await client.query<{ ids: string }>(`SELECT coalesce(sum(last_id - first_id + 1), 0) AS ids FROM ${source.pendingTable}`);
      if (Number(backlog.rows[0]!.ids) >= 2 * chunkIds) await client.query(source.afterBulkLoad);
      for (;;) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        let done: RefreshStep;
        try {
          done = await step(client, chunkIds);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        outcome.steps += 1;
        outcome.ids += done.ids;
        outcome.hours += done.hours;
        options.onStep?.(done);
        if (done.ids < chunkIds) {
          outcome.caughtUp = true;
          break;
        }
        if (performance.now() >= deadline) break;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 7))', [lock]);
    }
    return outcome;
  } finally {
    client.release();
  }
}

export interface TakenRanges {
  firstIds: string[];
  lastIds: string[];
  ids: number;
  /** The latest source time in the taken ranges (an upper bound), or null when none were taken. */
  latest: Date | null;
}

/**
 * Takes ranges from a pending table in id order up to `chunkIds` ids; the range that crosses the
 * limit is cut, its rest staying pending. Ranges are removed here, in the step's transaction.
 */
export async function takePending(client: PoolClient, table: 'usage_rollup_pending' | 'configuration_rollup_pending', chunkIds: number): Promise<TakenRanges> {
  const lastAt = table === 'usage_rollup_pending' ? 'last_call_at' : 'last_finished_at';
  const result = await client.query<{ first_id: string; last_id: string; last_at: Date }>(
    `WITH ordered AS (
       SELECT first_id, last_id, ${lastAt} AS last_at, (sum(last_id - first_id + 1) OVER (ORDER BY first_id))::bigint - (last_id - first_id + 1) AS before
         FROM ${table}
     ),
     chosen AS (
       SELECT first_id, least(last_id, first_id + ($1::bigint - before) - 1) AS last_id, last_at,
              last_id > first_id + ($1::bigint - before) - 1 AS cut
         FROM ordered WHERE before < $1::bigint
     ),
     removed AS (DELETE FROM ${table} p USING chosen c WHERE p.first_id = c.first_id AND NOT c.cut),
     shortened AS (UPDATE ${table} p SET first_id = c.last_id + 1 FROM chosen c WHERE p.first_id = c.first_id AND c.cut)
     SELECT first_id, last_id, last_at FROM chosen ORDER BY first_id`,
    [chunkIds],
  );
  return {
    firstIds: result.rows.map((row) => row.first_id),
    lastIds: result.rows.map((row) => row.last_id),
    ids: result.rows.reduce((sum, row) => sum + Number(row.last_id) - Number(row.first_id) + 1, 0),
    latest: result.rows.reduce<Date | null>((latest, row) => (latest && latest > row.last_at ? latest : row.last_at), null),
  };
}

/** Hours marked dirty in a dirty table, taken (deleted) in the step's transaction. */
export async function takeDirtyHours(client: PoolClient, table: 'usage_rollup_dirty' | 'configuration_rollup_dirty'): Promise<string[]> {
  const dirty = await client.query<{ hour: Date }>(`DELETE FROM ${table} RETURNING hour`);
  return [...new Set(dirty.rows.map((row) => row.hour.toISOString()))];
}

/**
 * The SQL condition that a source row `alias` is in none of `table`'s pending ranges. Ranges never
 * overlap, so the only range that could hold an id is the last one starting at or before it.
 */
export const notPending = (table: string, alias: string) =>
  `coalesce((SELECT p.last_id FROM ${table} p WHERE p.first_id <= ${alias}.id ORDER BY p.first_id DESC LIMIT 1), 0) < ${alias}.id`;
