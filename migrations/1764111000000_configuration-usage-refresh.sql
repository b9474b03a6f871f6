-- Up Migration

-- A configuration's roll-up recomputed from its runs in one call: the lock and the recomputation are
-- two statements (the recomputation must take its snapshot after the lock is held, so that it sees
-- every run committed before it), and inside a VOLATILE function each statement takes a fresh
-- snapshot under READ COMMITTED, as two statements from the client would, for one round trip.
-- The lock's key is the one the recomputation always used, so old and new callers serialise together.
CREATE FUNCTION refresh_configuration_usage(p_configuration_id UUID) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('configuration_usage:' || p_configuration_id::text, 7));
  INSERT INTO configuration_usage (configuration_id, times_used, labelled_runs, avg_accuracy, avg_cost_usd,
      avg_duration_ms, success_rate, total_cost_usd, updated_at)
  SELECT p_configuration_id, count(*), count(accuracy), avg(accuracy), avg(cost_usd), avg(duration_ms),
         avg((status = 'completed')::int), sum(cost_usd), now()
    FROM configuration_runs WHERE configuration_id = p_configuration_id
  HAVING count(*) > 0
  ON CONFLICT (configuration_id) DO UPDATE SET
    times_used = EXCLUDED.times_used, labelled_runs = EXCLUDED.labelled_runs, avg_accuracy = EXCLUDED.avg_accuracy,
    avg_cost_usd = EXCLUDED.avg_cost_usd, avg_duration_ms = EXCLUDED.avg_duration_ms,
    success_rate = EXCLUDED.success_rate, total_cost_usd = EXCLUDED.total_cost_usd, updated_at = now();
END $$;

-- Down Migration

DROP FUNCTION refresh_configuration_usage(UUID);
