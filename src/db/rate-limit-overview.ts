import { z } from 'zod';
import { bucketOf, type RateLimitSetting } from '../config/rate-limits.ts';
import type { ProviderRateLimit } from '../contract/rate-limits.ts';
import type { Pool } from './pool.ts';
import { RATE_LIMIT_TUNING } from './rate-limits.ts';
import { nullableNumeric, numeric, parseRows } from './rows.ts';

const BucketRow = z.object({
  bucket: z.string(),
  provider: z.string(),
  model: z.string().nullable(),
  rpm: nullableNumeric,
  tpm: nullableNumeric,
  effective_rpm: nullableNumeric,
  effective_tpm: nullableNumeric,
  learned_at: z.date().nullable(),
  paused_until: z.date().nullable(),
  waiting: numeric,
});

const RecentRow = z.object({ provider: z.string(), model: z.string(), calls: numeric, tokens: numeric, refused: numeric });

/**
 * The rate limits as they stand for the dashboard: each bucket the configuration names or that has
 * recently been used, with the rate in force and the calls waiting on it, beside what the ledger
 * shows of the last minute — and every model called in that minute that no bucket of its own covers.
 */
export async function rateLimitOverview(pool: Pool, limits: readonly RateLimitSetting[]): Promise<ProviderRateLimit[]> {
  const bucketsQuery = `
    SELECT coalesce(c.bucket, l.bucket) AS bucket, coalesce(c.provider, l.provider) AS provider,
           CASE WHEN c.bucket IS NULL THEN l.model ELSE c.model END AS model, c.rpm, c.tpm,
           rate_limit_effective(c.rpm, l.learned_rpm, l.named_rpm, l.learned_at, now(), $6) AS effective_rpm,
           rate_limit_effective(c.tpm, l.learned_tpm, l.named_tpm, l.learned_at, now(), $6) AS effective_tpm,
           CASE WHEN l.learned_at > now() - make_interval(secs => $6 / 1000.0) THEN l.learned_at END AS learned_at,
           CASE WHEN l.paused_until_ms > extract(epoch FROM now()) * 1000 THEN to_timestamp(l.paused_until_ms / 1000) END AS paused_until,
           coalesce((SELECT count(*) FROM unnest(l.waiting_ms) AS w WHERE w > extract(epoch FROM now()) * 1000), 0) AS waiting
      FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[]) AS c(bucket, provider, model, rpm, tpm)
      FULL JOIN (SELECT * FROM provider_rate_limits WHERE updated_at > now() - interval '10 minutes') AS l ON l.bucket = c.bucket`;
  const recentQuery = `
    SELECT provider, model, count(*) AS calls, coalesce(sum(input_tokens + output_tokens), 0) AS tokens,
           count(*) FILTER (WHERE error LIKE 'rate_limited:%') AS refused
      FROM model_usage WHERE created_at > now() - interval '1 minute'
     GROUP BY provider, model`;
  const [buckets, recent] = await Promise.all([
    pool.query(bucketsQuery, [
      limits.map((limit) => limit.bucket),
      limits.map((limit) => limit.provider),
      limits.map((limit) => limit.model),
      limits.map((limit) => limit.rpm),
      limits.map((limit) => limit.tpm),
      RATE_LIMIT_TUNING.recoveryMs,
    ]),
    pool.query(recentQuery),
  ]);
  const usage = parseRows(RecentRow, recent.rows, 'recent calls per model');
  const rows: ProviderRateLimit[] = parseRows(BucketRow, buckets.rows, 'rate-limit buckets').map((row) => {
    const covered = usage.filter((line) => line.provider === row.provider && (row.model === null || line.model === row.model));
    const sum = (pick: (line: (typeof usage)[number]) => number) => covered.reduce((total, line) => total + pick(line), 0);
    return {
      ...row,
      learned_at: row.learned_at?.toISOString() ?? null,
      paused_until: row.paused_until?.toISOString() ?? null,
      calls_last_minute: sum((line) => line.calls),
      tokens_last_minute: sum((line) => line.tokens),
      rate_limited_last_minute: sum((line) => line.refused),
    };
  });
  for (const line of usage) {
    if (rows.some((row) => row.provider === line.provider && row.model === line.model)) continue;
    rows.push({
      bucket: bucketOf(line.provider, line.model),
      provider: line.provider,
      model: line.model,
      rpm: null,
      tpm: null,
      effective_rpm: null,
      effective_tpm: null,
      learned_at: null,
      paused_until: null,
      waiting: 0,
      calls_last_minute: line.calls,
      tokens_last_minute: line.tokens,
      rate_limited_last_minute: line.refused,
    });
  }
  return rows.sort((a, b) => a.provider.localeCompare(b.provider) || (a.model ?? '').localeCompare(b.model ?? ''));
}
