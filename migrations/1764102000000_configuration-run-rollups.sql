-- Up Migration

-- Hourly roll-ups of configuration_runs by the time runs finished, for configuration analytics over a
-- time range (GET /analytics/configurations?from=&to=, the dashboard). Kept current by the same
-- scheduled refresh and in the same way as the ledger's (1764100000000_incremental-rollups.sql): new
-- rows are noted as pending id ranges and added; hours whose rows changed (a review rescoring a run)
-- or went away are recomputed from configuration_runs.

-- Runs had no serial key: a pending range needs one.
ALTER TABLE configuration_runs ADD COLUMN id BIGSERIAL;
CREATE UNIQUE INDEX configuration_runs_id ON configuration_runs (id);

CREATE TABLE configuration_rollup_hourly (
  period_start      TIMESTAMPTZ NOT NULL,
  configuration_id  UUID NOT NULL,
  runs              BIGINT NOT NULL,
  completed         BIGINT NOT NULL,
  labelled          BIGINT NOT NULL,
  accuracy_sum      NUMERIC NOT NULL,
  cost_usd          NUMERIC(24, 8) NOT NULL,
  duration_sum_ms   BIGINT NOT NULL,
  first_finished_at TIMESTAMPTZ NOT NULL,
  last_finished_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (period_start, configuration_id)
);

CREATE TABLE configuration_rollup_pending (
  first_id          BIGINT PRIMARY KEY,
  last_id           BIGINT NOT NULL,
  first_finished_at TIMESTAMPTZ NOT NULL,
  last_finished_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE configuration_rollup_dirty (
  id        BIGSERIAL PRIMARY KEY,
  hour      TIMESTAMPTZ NOT NULL,
  marked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE FUNCTION configuration_rollup_note_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO configuration_rollup_pending (first_id, last_id, first_finished_at, last_finished_at)
  SELECT min(id), max(id), min(finished_at), max(finished_at)
    FROM (SELECT id, finished_at, id - row_number() OVER (ORDER BY id) AS run FROM new_rows) ids
   GROUP BY run;
  RETURN NULL;
END $$;

CREATE FUNCTION configuration_rollup_note_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO configuration_rollup_dirty (hour) SELECT DISTINCT date_trunc('hour', finished_at, 'UTC') FROM old_rows;
  RETURN NULL;
END $$;

CREATE FUNCTION configuration_rollup_note_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO configuration_rollup_dirty (hour)
  SELECT DISTINCT date_trunc('hour', at, 'UTC')
    FROM old_rows o FULL JOIN new_rows n ON n.id = o.id,
         LATERAL (VALUES (o.finished_at), (n.finished_at)) AS hours(at)
   WHERE at IS NOT NULL
     AND (o.id IS NULL OR n.id IS NULL
          OR (o.finished_at, o.configuration_id, o.status, o.accuracy, o.cost_usd, o.duration_ms)
             IS DISTINCT FROM (n.finished_at, n.configuration_id, n.status, n.accuracy, n.cost_usd, n.duration_ms));
  RETURN NULL;
END $$;

CREATE FUNCTION configuration_rollup_note_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE configuration_rollup_hourly, configuration_rollup_pending, configuration_rollup_dirty;
  RETURN NULL;
END $$;

CREATE TRIGGER configuration_runs_rollup_insert AFTER INSERT ON configuration_runs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION configuration_rollup_note_inserted();
CREATE TRIGGER configuration_runs_rollup_delete AFTER DELETE ON configuration_runs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION configuration_rollup_note_deleted();
CREATE TRIGGER configuration_runs_rollup_update AFTER UPDATE ON configuration_runs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION configuration_rollup_note_updated();
CREATE TRIGGER configuration_runs_rollup_truncate AFTER TRUNCATE ON configuration_runs
  FOR EACH STATEMENT EXECUTE FUNCTION configuration_rollup_note_truncated();

-- The runs recorded so far are one range for the scheduled refresh to work through.
INSERT INTO configuration_rollup_pending (first_id, last_id, first_finished_at, last_finished_at)
SELECT min(id), max(id), min(finished_at), max(finished_at) FROM configuration_runs HAVING count(*) > 0;

-- Down Migration

DROP TRIGGER IF EXISTS configuration_runs_rollup_truncate ON configuration_runs;
DROP TRIGGER IF EXISTS configuration_runs_rollup_update ON configuration_runs;
DROP TRIGGER IF EXISTS configuration_runs_rollup_delete ON configuration_runs;
DROP TRIGGER IF EXISTS configuration_runs_rollup_insert ON configuration_runs;
DROP FUNCTION IF EXISTS configuration_rollup_note_truncated();
DROP FUNCTION IF EXISTS configuration_rollup_note_updated();
DROP FUNCTION IF EXISTS configuration_rollup_note_deleted();
DROP FUNCTION IF EXISTS configuration_rollup_note_inserted();
DROP TABLE IF EXISTS configuration_rollup_dirty;
DROP TABLE IF EXISTS configuration_rollup_pending;
DROP TABLE IF EXISTS configuration_rollup_hourly;
DROP INDEX IF EXISTS configuration_runs_id;
ALTER TABLE configuration_runs DROP COLUMN IF EXISTS id;
