import path from 'node:path';
import { z } from 'zod';
import { TASK_QUEUE } from '../temporal/names.ts';

/**
 * The environment as the outside contract defines it, parsed once. Every process (`quarry up`, `api`,
 * `worker`, `sim`) reads its settings from here and nowhere else, so a typo in a variable fails at
 * start-up with its name rather than deep inside a request.
 */
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const EnvironmentSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  DATABASE_URL: optionalString,
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.preprocess(emptyAsUndefined, z.string().default('default')),
  QUARRY_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./.data')),
  QUARRY_API_TOKEN: optionalString,
  OPENAI_API_KEY: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  GEMINI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  GEMINI_BASE_URL: optionalString,
  QUARRY_PROVIDERS: z.preprocess(emptyAsUndefined, z.enum(['live', 'simulated']).optional()),
  QUARRY_SIM_LATENCY_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(20)),
  QUARRY_SIM_FAULTS: optionalString,
  QUARRY_MODELS_FILE: optionalString,
  /** OpenAI-compatible endpoints declared as providers of their own: JSON, or a file of it. */
  QUARRY_ENDPOINTS: optionalString,
  QUARRY_ENDPOINTS_FILE: optionalString,
  /** The providers' rate limits (requests and tokens a minute per provider or model): JSON, or a file of it. */
  QUARRY_RATE_LIMITS: optionalString,
  QUARRY_RATE_LIMITS_FILE: optionalString,
  /** The simulator's own rate limits per model id, e.g. `{"gemini-3.5-flash": {"rpm": 300}}`: 429 above them. */
  QUARRY_SIM_RATE_LIMITS: optionalString,
  /** Load newer price data for @pydantic/genai-prices at start: `off`, `on` (its published data) or a URL. */
  QUARRY_PRICES_REFRESH: z.preprocess(emptyAsUndefined, z.union([z.enum(['off', 'on']), z.url({ protocol: /^https?$/ })]).default('off')),
  /**
   * The longest one provider call may take; each model's own timeout (the catalog's call_timeout_s)
   * applies within it. The stage activity's own timeout sits 5 s above it.
   */
  QUARRY_CALL_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).default(600_000)),
  /** Attempts per model before a stage moves down its chain. */
  QUARRY_ATTEMPTS_PER_MODEL: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(20).default(3)),
  QUARRY_RETRY_INITIAL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).default(1000)),
  /** The task queue the worker polls and runs are started on. */
  QUARRY_TASK_QUEUE: z.preprocess(emptyAsUndefined, z.string().min(1).default(TASK_QUEUE)),
  /** Where `quarry worker` serves its Prometheus metrics (the API serves them at /metrics). */
  QUARRY_METRICS_HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  QUARRY_METRICS_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(9464)),
  /** Seconds between the scheduled roll-ups of the usage ledger (the worker keeps the Temporal Schedule at this interval). */
  QUARRY_ROLLUP_INTERVAL_S: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3600).default(30)),
  /** An experiment's parent workflow continues as new once its history has this many events (unset: when Temporal suggests it). */
  QUARRY_EXPERIMENT_HISTORY_EVENTS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(20).max(50_000).optional()),
  /** pino's level (the logger reads it at start, `info` when unset); `quarry up` shows warnings unless it is set. */
  QUARRY_LOG_LEVEL: optionalString,
  /**
   * The Temporal Web UI as the operators' browsers reach it: the dashboard links each run there.
   * `quarry up` serves it on :8233; a deployment names wherever its UI is.
   */
  QUARRY_TEMPORAL_UI_URL: z
    .preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }).default('http://localhost:8233'))
    .transform((url) => url.replace(/\/+$/, '')),
  /** Downloads kept between runs and checkouts (the local model server); default `~/.cache/quarry`. */
  QUARRY_CACHE_DIR: optionalString,
  /**
   * Where uploads are kept: unset, in PostgreSQL with their item (one store to back up, reached by
   * every worker, written in the same transaction as the item); set, in this directory, which the
   * API and every worker must share.
   */
  QUARRY_DOCUMENTS_DIR: optionalString,
  /** Uploads over this many bytes are refused at intake. */
  QUARRY_MAX_DOCUMENT_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(50 * 1024 * 1024)),
  /** Documents one worker reads at once (each PDF is parsed in memory; OCR pages queue for the OCR threads). */
  QUARRY_READ_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(2)),
  /** OCR threads per worker process: OCR is CPU-bound, one page per thread at a time. */
  QUARRY_OCR_THREADS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(1)),
  /** Tesseract languages, comma-separated (each from `@tesseract.js-data/<code>` or QUARRY_OCR_DATA_DIR). */
  QUARRY_OCR_LANGUAGES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z_]+(,[a-z_]+)*$/, 'comma-separated Tesseract language codes, e.g. eng,deu')
      .default('eng')
      .transform((codes) => codes.split(',')),
  ),
  /** A directory of `<code>.traineddata(.gz)` files, instead of the npm data packages. */
  QUARRY_OCR_DATA_DIR: optionalString,
});

export type Environment = z.infer<typeof EnvironmentSchema>;

export interface Settings extends Environment {
  /** Absolute path of `QUARRY_DATA_DIR`. */
  dataDir: string;
  /** `QUARRY_PROVIDERS`, or `simulated` when no provider key is set. */
  providers: 'live' | 'simulated';
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = EnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`invalid environment: ${problems.join('; ')}`);
  }
  const settings = parsed.data;
  const anyKey = Boolean(settings.OPENAI_API_KEY ?? settings.ANTHROPIC_API_KEY ?? settings.GEMINI_API_KEY);
  return {
    ...settings,
    dataDir: path.resolve(settings.QUARRY_DATA_DIR),
    providers: settings.QUARRY_PROVIDERS ?? (anyKey ? 'live' : 'simulated'),
  };
}

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
