/*
 * The configuration runs that finished in a time range, as parts to aggregate per configuration —
 * the hourly roll-up's rows whose runs all lie in the range, and configuration_runs itself only
 * where it must be read — in one statement and one snapshot. The same scheme as the ledger's
 * (src/db/usage-rollup-parts.ts), with one level: hourly rows straddling an edge are replaced by
 * their runs inside the range, dirty hours are read from configuration_runs, and runs not rolled up
 * yet are read from their pending id ranges up to a cap, beyond which they are left out until the
 * scheduled refresh has rolled them up.
 *
 * Parameters: $1 from, $2 to (null: unbounded), $3 the cap on pending ids read. Defines
 * `configuration_parts` (configuration_id, runs, completed, labelled, accuracy_sum, cost_usd,
 * duration_sum_ms, last_finished_at).
 */

const RUN_COLUMNS = 'r.configuration_id, r.status, r.accuracy, r.cost_usd, r.duration_ms, r.finished_at';

export const CONFIGURATION_PARTS_CTES = `
run_bounds AS (SELECT coalesce($1::timestamptz, '-infinity') AS lo, coalesce($2::timestamptz, 'infinity') AS hi),
run_dirty AS (SELECT DISTINCT hour FROM configuration_rollup_dirty),
run_hours AS (
  SELECT r.*, r.first_finished_at >= b.lo AND r.last_finished_at < b.hi AS inside
    FROM run_bounds b JOIN configuration_rollup_hourly r ON r.period_start > b.lo - interval '1 hour' AND r.period_start < b.hi
   WHERE r.last_finished_at >= b.lo AND r.first_finished_at < b.hi
     AND NOT EXISTS (SELECT 1 FROM run_dirty d WHERE d.hour = r.period_start)
),
run_slices AS (SELECT period_start, configuration_id FROM run_hours WHERE NOT inside),
-- Every read of configuration_runs below is a LATERAL subquery naming only its index range (an hour
-- by finished_at, a pending range by id), with OFFSET 0 so that the planner neither flattens it nor
-- pushes the other conditions into it (see src/db/usage-rollup-parts.ts).
run_slice_hour_rows AS MATERIALIZED (
  SELECT r.* FROM (SELECT DISTINCT period_start AS hour FROM run_slices) h CROSS JOIN run_bounds b
   CROSS JOIN LATERAL (
     SELECT * FROM configuration_runs r WHERE r.finished_at >= greatest(h.hour, b.lo) AND r.finished_at < least(h.hour + interval '1 hour', b.hi) OFFSET 0
   ) r
),
run_slice_rows AS (
  SELECT ${RUN_COLUMNS} FROM run_slice_hour_rows r
   WHERE EXISTS (SELECT 1 FROM run_slices s WHERE s.period_start = date_trunc('hour', r.finished_at, 'UTC') AND s.configuration_id = r.configuration_id)
),
run_dirty_rows AS (
  SELECT ${RUN_COLUMNS} FROM run_dirty d CROSS JOIN run_bounds b
   CROSS JOIN LATERAL (
     SELECT * FROM configuration_runs r WHERE r.finished_at >= greatest(d.hour, b.lo) AND r.finished_at < least(d.hour + interval '1 hour', b.hi) OFFSET 0
   ) r
),
run_pending_ranges AS (
  SELECT first_id, least(last_id, first_id + ($3::bigint - before) - 1) AS last_id
    FROM (SELECT p.first_id, p.last_id,
                 (sum(p.last_id - p.first_id + 1) OVER (ORDER BY p.first_id))::bigint - (p.last_id - p.first_id + 1) AS before
            FROM configuration_rollup_pending p, run_bounds b WHERE p.last_finished_at >= b.lo AND p.first_finished_at < b.hi) ordered
   WHERE before < $3::bigint
),
run_pending_range_rows AS MATERIALIZED (
  SELECT r.* FROM run_pending_ranges p CROSS JOIN LATERAL (SELECT * FROM configuration_runs r WHERE r.id BETWEEN p.first_id AND p.last_id OFFSET 0) r
),
run_pending_rows AS (
  SELECT ${RUN_COLUMNS} FROM run_pending_range_rows r CROSS JOIN run_bounds b
   WHERE r.finished_at >= b.lo AND r.finished_at < b.hi
     AND NOT EXISTS (SELECT 1 FROM run_dirty d WHERE d.hour = date_trunc('hour', r.finished_at, 'UTC'))
     AND NOT EXISTS (SELECT 1 FROM run_slices s WHERE s.period_start = date_trunc('hour', r.finished_at, 'UTC') AND s.configuration_id = r.configuration_id)
),
configuration_parts AS (
  SELECT configuration_id, runs, completed, labelled, accuracy_sum, cost_usd, duration_sum_ms, last_finished_at FROM run_hours WHERE inside
  UNION ALL
  SELECT r.configuration_id, count(*), count(*) FILTER (WHERE r.status = 'completed'), count(r.accuracy), coalesce(sum(r.accuracy), 0),
         sum(r.cost_usd), sum(r.duration_ms), max(r.finished_at)
    FROM (SELECT * FROM run_slice_rows UNION ALL SELECT * FROM run_dirty_rows UNION ALL SELECT * FROM run_pending_rows) r
   GROUP BY r.configuration_id
)`;
