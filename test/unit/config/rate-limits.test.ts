import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/config/environment.ts';
import { loadRateLimits } from '../../../src/config/rate-limits.ts';
import { loadCatalog } from '../../../src/providers/catalog.ts';

const catalog = loadCatalog();

describe('QUARRY_RATE_LIMITS', () => {
  it('reads limits per model and per provider, from the variable and the file together', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'quarry-limits-')), 'limits.json');
    writeFileSync(file, JSON.stringify([{ provider: 'anthropic', rpm: 50, tpm: 30_000 }]));
    const limits = loadRateLimits({ QUARRY_RATE_LIMITS: '[{"provider": "openai", "model": "gpt-5.4-mini", "rpm": 500}]', QUARRY_RATE_LIMITS_FILE: file }, catalog);
    expect(limits).toEqual([
      { bucket: 'openai/gpt-5.4-mini', provider: 'openai', model: 'gpt-5.4-mini', rpm: 500, tpm: null },
      { bucket: 'anthropic/*', provider: 'anthropic', model: null, rpm: 50, tpm: 30_000 },
    ]);
    expect(loadRateLimits({}, catalog)).toEqual([]);
  });

  it('refuses what would limit nothing or the wrong thing, naming it', () => {
    const load = (json: string) => () => loadRateLimits({ QUARRY_RATE_LIMITS: json }, catalog);
    expect(load('{"openai": 500}')).toThrow(ConfigurationError);
    expect(load('[{"provider": "openai"}]')).toThrow(/give "rpm", "tpm" or both/);
    expect(load('[{"provider": "openai", "rpm": -1}]')).toThrow(ConfigurationError);
    expect(load('[{"provider": "acme", "rpm": 5}]')).toThrow(/provider acme, which has no models/);
    expect(load('[{"provider": "openai", "model": "gpt-17", "rpm": 5}]')).toThrow(/model gpt-17, which the catalog does not have/);
    expect(load('[{"provider": "google", "model": "gpt-5.4-mini", "rpm": 5}]')).toThrow(/belongs to provider openai/);
    expect(load('[{"provider": "openai", "rpm": 5}, {"provider": "openai", "tpm": 5}]')).toThrow(/openai\/\* more than once/);
    expect(load('[{"provider": "openai", "rpm": 5')).toThrow(/not JSON/);
    expect(() => loadRateLimits({ QUARRY_RATE_LIMITS_FILE: '/nonexistent/limits.json' }, catalog)).toThrow(/cannot read QUARRY_RATE_LIMITS_FILE/);
  });
});
