import { z } from 'zod';
import { ConfigurationError } from '../config/environment.ts';

/**
 * The Temporal Web UI the dashboard links runs to. `quarry up` serves it on :8233; a deployment sets
 * `QUARRY_TEMPORAL_UI_URL` to wherever its UI is reachable from the operators' browsers.
 */
const TemporalUiSchema = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.url({ protocol: /^https?$/ }).default('http://localhost:8233'),
);

export function temporalUiUrl(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = TemporalUiSchema.safeParse(env.QUARRY_TEMPORAL_UI_URL);
  if (!parsed.success) throw new ConfigurationError(`QUARRY_TEMPORAL_UI_URL is not an http(s) URL: ${env.QUARRY_TEMPORAL_UI_URL}`);
  return parsed.data.replace(/\/+$/, '');
}
