-- Up Migration

-- The state of the providers' rate limits, shared by every worker of a cluster. One row per bucket:
-- a provider's model ('openai/gpt-5.4-mini') or a provider as a whole ('local-llama/*'). The limits
-- themselves are configuration (QUARRY_RATE_LIMITS), passed in by each call; what is kept here is
-- what the calls did to them: per dimension a GCRA "theoretical arrival time" (the moment the bucket
-- would be empty again at the allowed rate), what a provider's 429 taught (a lower rate, recovering
-- over time, and a pause until its reset), and the start times reserved by calls still waiting.
-- Times are milliseconds since the epoch on the database's clock, the one clock all workers share.
CREATE TABLE provider_rate_limits (
  bucket          TEXT PRIMARY KEY,
  provider        TEXT NOT NULL,
  model           TEXT,
  request_tat_ms  DOUBLE PRECISION NOT NULL DEFAULT 0,
  token_tat_ms    DOUBLE PRECISION NOT NULL DEFAULT 0,
  learned_rpm     DOUBLE PRECISION CHECK (learned_rpm > 0),
  learned_tpm     DOUBLE PRECISION CHECK (learned_tpm > 0),
  named_rpm       DOUBLE PRECISION CHECK (named_rpm > 0),
  named_tpm       DOUBLE PRECISION CHECK (named_tpm > 0),
  learned_at      TIMESTAMPTZ,
  paused_until_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
  waiting_ms      DOUBLE PRECISION[] NOT NULL DEFAULT '{}',
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The rate in force: the configured one, or below it for `recovery_ms` after a 429 taught a lower
-- one, rising linearly back towards it — or towards the limit the provider named, if lower. Without
-- either the learned rate doubles over the recovery time. Then the lesson lapses and the configured
-- rate holds again (a limit configured too high meets one 429 per recovery time, and learns again).
CREATE FUNCTION rate_limit_effective(
  configured DOUBLE PRECISION, learned DOUBLE PRECISION, named DOUBLE PRECISION, learned_at TIMESTAMPTZ, at TIMESTAMPTZ, recovery_ms DOUBLE PRECISION)
RETURNS DOUBLE PRECISION LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN learned IS NULL OR learned_at IS NULL THEN configured
    WHEN extract(epoch FROM at - learned_at) * 1000 >= recovery_ms THEN configured
    WHEN least(configured, named) < learned THEN least(configured, named)
    ELSE learned + (coalesce(least(configured, named), 2 * learned) - learned) * greatest(0, extract(epoch FROM at - learned_at) * 1000 / recovery_ms)
  END
$$;

-- Creates the buckets a call names that do not exist yet, and locks them all in one order, so that
-- two calls through the same two buckets never deadlock.
CREATE FUNCTION rate_limit_lock(p_buckets TEXT[], p_providers TEXT[], p_models TEXT[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_found INTEGER;
BEGIN
  PERFORM 1 FROM provider_rate_limits WHERE bucket = ANY (p_buckets) ORDER BY bucket FOR UPDATE;
  GET DIAGNOSTICS v_found = ROW_COUNT;
  IF v_found < cardinality(p_buckets) THEN
    INSERT INTO provider_rate_limits (bucket, provider, model)
    SELECT b, p, m FROM unnest(p_buckets, p_providers, p_models) AS given(b, p, m)
    ON CONFLICT (bucket) DO NOTHING;
    PERFORM 1 FROM provider_rate_limits WHERE bucket = ANY (p_buckets) ORDER BY bucket FOR UPDATE;
  END IF;
END
$$;

-- Reserves the earliest start for one call of about `p_tokens` tokens through every bucket given,
-- each with the caller's configured rpm and tpm (NULL: that dimension unlimited), and returns how
-- long the caller waits for it. A bucket lets a call start once its theoretical arrival time, plus
-- the call's own share, is no more than a burst (`p_burst_ms`, or the call's own share if larger)
-- ahead of now; calls reserve in the order they arrive, so waiting is first come, first served.
-- A start further away than `p_max_wait_ms` is not reserved (granted false): the caller gives up
-- and nothing is held for it. `start_ms` is the start on the database's clock.
CREATE FUNCTION rate_limit_reserve(
  p_buckets TEXT[], p_providers TEXT[], p_models TEXT[], p_rpm DOUBLE PRECISION[], p_tpm DOUBLE PRECISION[],
  p_tokens DOUBLE PRECISION, p_max_wait_ms DOUBLE PRECISION, p_burst_ms DOUBLE PRECISION, p_recovery_ms DOUBLE PRECISION)
RETURNS TABLE (wait_ms DOUBLE PRECISION, granted BOOLEAN, start_ms DOUBLE PRECISION) LANGUAGE plpgsql AS $$
DECLARE
  v_clock TIMESTAMPTZ;
  v_now DOUBLE PRECISION;
  v_start DOUBLE PRECISION;
  v_row RECORD;
BEGIN
  PERFORM rate_limit_lock(p_buckets, p_providers, p_models);
  -- Read after the lock: a call that queued behind another sees the time it actually got the row.
  v_clock := clock_timestamp();
  v_now := extract(epoch FROM v_clock) * 1000;
  v_start := v_now;
  FOR v_row IN
    SELECT l.paused_until_ms, l.request_tat_ms, l.token_tat_ms,
           60000 / rate_limit_effective(c.rpm, l.learned_rpm, l.named_rpm, l.learned_at, v_clock, p_recovery_ms) AS request_ms,
           p_tokens * 60000 / rate_limit_effective(c.tpm, l.learned_tpm, l.named_tpm, l.learned_at, v_clock, p_recovery_ms) AS tokens_ms
      FROM provider_rate_limits AS l
      JOIN unnest(p_buckets, p_rpm, p_tpm) AS c(bucket, rpm, tpm) ON c.bucket = l.bucket
  LOOP
    -- greatest() skips NULLs: an unlimited dimension adds no constraint.
    v_start := greatest(v_start, v_row.paused_until_ms,
                        v_row.request_tat_ms + v_row.request_ms - greatest(p_burst_ms, v_row.request_ms),
                        v_row.token_tat_ms + v_row.tokens_ms - greatest(p_burst_ms, v_row.tokens_ms));
  END LOOP;
  IF v_start - v_now > p_max_wait_ms THEN
    RETURN QUERY SELECT v_start - v_now, false, v_start;
    RETURN;
  END IF;
  UPDATE provider_rate_limits AS l SET
      request_tat_ms = coalesce(greatest(l.request_tat_ms, v_start) + 60000 / rate_limit_effective(c.rpm, l.learned_rpm, l.named_rpm, l.learned_at, v_clock, p_recovery_ms), l.request_tat_ms),
      token_tat_ms = coalesce(greatest(l.token_tat_ms, v_start) + p_tokens * 60000 / rate_limit_effective(c.tpm, l.learned_tpm, l.named_tpm, l.learned_at, v_clock, p_recovery_ms), l.token_tat_ms),
      waiting_ms = ARRAY(SELECT w FROM unnest(l.waiting_ms) AS w WHERE w > v_now)
                   || CASE WHEN v_start > v_now THEN ARRAY[v_start] ELSE '{}'::DOUBLE PRECISION[] END,
      updated_at = v_clock
    FROM unnest(p_buckets, p_rpm, p_tpm) AS c(bucket, rpm, tpm)
   WHERE l.bucket = c.bucket;
  RETURN QUERY SELECT v_start - v_now, true, v_start;
END
$$;

-- After the call: the tokens it used beyond (or, negative, below) what it reserved move the token
-- buckets' arrival times, so that a reservation of the output cap does not hold capacity the answer
-- never used.
CREATE FUNCTION rate_limit_settle(p_buckets TEXT[], p_tpm DOUBLE PRECISION[], p_tokens DOUBLE PRECISION, p_recovery_ms DOUBLE PRECISION)
RETURNS void LANGUAGE sql AS $$
  UPDATE provider_rate_limits AS l
     SET token_tat_ms = l.token_tat_ms + p_tokens * 60000 / rate_limit_effective(c.tpm, l.learned_tpm, l.named_tpm, l.learned_at, clock_timestamp(), p_recovery_ms)
    FROM unnest(p_buckets, p_tpm) AS c(bucket, tpm)
   WHERE l.bucket = c.bucket
     AND rate_limit_effective(c.tpm, l.learned_tpm, l.named_tpm, l.learned_at, clock_timestamp(), p_recovery_ms) IS NOT NULL;
$$;

-- A provider answered 429 although the buckets let the call through: the account's limit is lower
-- than configured (or shared with other clients). Every bucket pauses until the provider's reset,
-- and the rate is learned down to `p_decrease` of the rate in force — of what was sent in the last
-- minute, where no limit was in force — or of the limit the provider named, if lower: refused at
-- that limit, the calls must run below it. One decrease per `p_spacing_ms`: the other calls
-- refused in the same moment teach nothing new.
CREATE FUNCTION rate_limit_learn(
  p_buckets TEXT[], p_providers TEXT[], p_models TEXT[], p_rpm DOUBLE PRECISION[], p_tpm DOUBLE PRECISION[],
  p_wait_ms DOUBLE PRECISION, p_seen_rpm DOUBLE PRECISION, p_seen_tpm DOUBLE PRECISION,
  p_decrease DOUBLE PRECISION, p_spacing_ms DOUBLE PRECISION, p_recovery_ms DOUBLE PRECISION)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_clock TIMESTAMPTZ;
  v_row RECORD;
  v_rpm DOUBLE PRECISION;
  v_tpm DOUBLE PRECISION;
BEGIN
  PERFORM rate_limit_lock(p_buckets, p_providers, p_models);
  v_clock := clock_timestamp();
  FOR v_row IN
    SELECT l.bucket, l.provider, l.model, l.learned_at,
           rate_limit_effective(c.rpm, l.learned_rpm, l.named_rpm, l.learned_at, v_clock, p_recovery_ms) AS rpm,
           rate_limit_effective(c.tpm, l.learned_tpm, l.named_tpm, l.learned_at, v_clock, p_recovery_ms) AS tpm
      FROM provider_rate_limits AS l
      JOIN unnest(p_buckets, p_rpm, p_tpm) AS c(bucket, rpm, tpm) ON c.bucket = l.bucket
  LOOP
    UPDATE provider_rate_limits
       SET paused_until_ms = greatest(paused_until_ms, extract(epoch FROM v_clock) * 1000 + coalesce(p_wait_ms, 1000)), updated_at = v_clock
     WHERE bucket = v_row.bucket;
    CONTINUE WHEN v_row.learned_at IS NOT NULL AND extract(epoch FROM v_clock - v_row.learned_at) * 1000 < p_spacing_ms;
    v_rpm := v_row.rpm;
    IF v_rpm IS NULL THEN
      SELECT count(*) INTO v_rpm FROM model_usage
       WHERE created_at > v_clock - interval '1 minute' AND provider = v_row.provider AND (v_row.model IS NULL OR model = v_row.model);
    END IF;
    -- least() skips NULLs: a dimension with neither a rate in force nor a named limit learns nothing.
    v_tpm := least(v_row.tpm, p_seen_tpm) * p_decrease;
    UPDATE provider_rate_limits
       SET learned_rpm = greatest(1, least(v_rpm, p_seen_rpm) * p_decrease),
           learned_tpm = CASE WHEN v_tpm IS NULL THEN NULL ELSE greatest(1, v_tpm) END,
           named_rpm = p_seen_rpm,
           named_tpm = p_seen_tpm,
           learned_at = v_clock
     WHERE bucket = v_row.bucket;
  END LOOP;
END
$$;

-- Down Migration

DROP FUNCTION IF EXISTS rate_limit_learn(TEXT[], TEXT[], TEXT[], DOUBLE PRECISION[], DOUBLE PRECISION[], DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION);
DROP FUNCTION IF EXISTS rate_limit_settle(TEXT[], DOUBLE PRECISION[], DOUBLE PRECISION, DOUBLE PRECISION);
DROP FUNCTION IF EXISTS rate_limit_reserve(TEXT[], TEXT[], TEXT[], DOUBLE PRECISION[], DOUBLE PRECISION[], DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION);
DROP FUNCTION IF EXISTS rate_limit_lock(TEXT[], TEXT[], TEXT[]);
DROP FUNCTION IF EXISTS rate_limit_effective(DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION, TIMESTAMPTZ, TIMESTAMPTZ, DOUBLE PRECISION);
DROP TABLE IF EXISTS provider_rate_limits;
