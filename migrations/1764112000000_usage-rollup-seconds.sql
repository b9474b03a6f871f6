-- Up Migration

-- The ledger's roll-up per second, for the hours from `since` on (the last hour or two): a range whose
-- edge falls inside a minute of a burst (thousands of calls a second) then reads at most a second of
-- calls from the ledger, not a minute (src/db/usage-rollup-parts.ts). As with the minute rows, the
-- refresh moves `since` forward and drops older seconds in one transaction, and every hour at or
-- after it has all its rolled-up calls in second rows too.
CREATE TABLE usage_rollup_secondly (LIKE usage_rollup_hourly INCLUDING ALL);
CREATE TABLE usage_rollup_secondly_since (since TIMESTAMPTZ NOT NULL);
INSERT INTO usage_rollup_secondly_since (since) VALUES (date_trunc('hour', now(), 'UTC') - interval '1 hour');

-- Calls rolled up before this migration have no second rows: their hours from `since` on (the last
-- two, unless the ledger holds calls dated ahead) are recomputed by the next refresh, seconds
-- included, and read from the ledger until then.
INSERT INTO usage_rollup_dirty (hour)
SELECT DISTINCT period_start FROM usage_rollup_hourly, usage_rollup_secondly_since s WHERE period_start >= s.since;

-- TRUNCATE of the ledger empties the second rows too.
CREATE OR REPLACE FUNCTION usage_rollup_note_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE usage_rollup_hourly, usage_rollup_daily, usage_rollup_minutely, usage_rollup_secondly, usage_rollup_pending, usage_rollup_dirty;
  RETURN NULL;
END $$;

-- Down Migration

CREATE OR REPLACE FUNCTION usage_rollup_note_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE usage_rollup_hourly, usage_rollup_daily, usage_rollup_minutely, usage_rollup_pending, usage_rollup_dirty;
  RETURN NULL;
END $$;
DROP TABLE IF EXISTS usage_rollup_secondly_since;
DROP TABLE IF EXISTS usage_rollup_secondly;
