import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { CatalogFileError, createCatalog, loadCatalog, RetiredModelError, UnknownModelError } from '../../../src/providers/catalog.ts';
import type { CatalogEntry } from '../../../src/providers/catalog-model.ts';
import { EndpointsConfigError, loadEndpoints } from '../../../src/providers/endpoints.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/providers/${name}`, import.meta.url));

/** The Anthropic SDK's own list of deprecated models and their retirement dates (the authority on them). */
function anthropicDeprecations(): Map<string, string> {
  const file = path.join(path.dirname(createRequire(import.meta.url).resolve('@anthropic-ai/sdk')), 'src/internal/data/deprecated-models.ts');
  const entries = [...readFileSync(file, 'utf8').matchAll(/'([^']+)':\s*'([A-Za-z]+) (\d+)[a-z]*, (\d{4})'/g)];
  return new Map(entries.map(([, id, month, day, year]) => [id!, new Date(`${month} ${day}, ${year} UTC`).toISOString().slice(0, 10)]));
}

const entry = (overrides: Partial<CatalogEntry>): CatalogEntry => ({
  id: 'test-model',
  provider: 'openai',
  provider_model: 'gpt-4.1-mini',
  display_name: 'Test',
  max_output_tokens: 4096,
  temperature: true,
  reasoning: { control: 'none' },
  structured_output: 'json_schema',
  image_input: false,
  typical_output_tokens_per_field: 10,
  call_timeout_s: 60,
  ...overrides,
});

describe('model catalog', () => {
  const catalog = loadCatalog();

  it('offers a current model of each provider and no retired one', () => {
    const ids = catalog.list().map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['claude-opus-4-7', 'claude-sonnet-4-6', 'claude-haiku-4-5', 'gpt-5.4', 'gpt-5.4-mini', 'gemini-3.5-flash', 'gemini-3.1-pro']));
    const retired = catalog.retired().map((model) => model.id);
    expect(retired).toEqual(expect.arrayContaining(['claude-sonnet-4', 'claude-opus-4-1', 'claude-sonnet-4-5', 'claude-3-5-haiku', 'gemini-2.0-flash', 'gemini-2.5-pro', 'gemini-2.5-flash']));
    expect(ids.filter((id) => retired.includes(id))).toEqual([]);
    const providerModels = catalog.list().map((model) => `${model.provider}/${model.provider_model}`);
    expect(new Set(providerModels).size).toBe(providerModels.length);
  });

  it('agrees with the Anthropic SDK on retirements: nothing it lists as past its date is offered', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const [providerModel, date] of anthropicDeprecations()) {
      const offered = catalog.findByProviderModel('anthropic', providerModel);
      if (date <= today) expect(offered, `${providerModel} retired on ${date}`).toBeUndefined();
      else if (offered) expect(offered.retires_on).toBe(date);
    }
  });

  it('takes every price from @pydantic/genai-prices: list prices, cached and cache-write input, tiers', () => {
    for (const model of catalog.list()) {
      const usage = { inputTokens: 12_000, cachedInputTokens: 4096, cacheWriteTokens: model.provider === 'anthropic' ? 2048 : 0, outputTokens: 900, reasoningTokens: 300 };
      const library = calcPrice(
        { input_tokens: 12_000, cache_read_tokens: 4096, cache_write_tokens: usage.cacheWriteTokens, output_tokens: 900 },
        model.provider_model,
        { providerId: model.provider },
      );
      expect(library, model.id).not.toBeNull();
      expect(catalog.costUsd(model, usage), model.id).toBe(library!.total_price);
      expect(model.price_source).toBe('genai-prices');
    }
    // Gemini 3.1 Pro bills prompts over 200k tokens at its long-context tier.
    const long = catalog.costUsd('gemini-3.1-pro', { inputTokens: 300_000, outputTokens: 1000 });
    const short = catalog.costUsd('gemini-3.1-pro', { inputTokens: 100_000, outputTokens: 1000 });
    expect(long / 3).toBeGreaterThan(short);
    // Cached input is billed below full input.
    expect(catalog.costUsd('gpt-5.4-mini', { inputTokens: 10_000, cachedInputTokens: 8000 })).toBeLessThan(catalog.costUsd('gpt-5.4-mini', { inputTokens: 10_000 }));
  });

  it('refuses a retired model naming its successor, and an unknown one naming the valid ids', () => {
    expect(() => catalog.require('claude-sonnet-4')).toThrow(RetiredModelError);
    expect(() => catalog.require('claude-sonnet-4')).toThrow(/"claude-sonnet-4" was retired .*use "claude-sonnet-4-6"/);
    expect(() => catalog.require('gemini-2.0-flash')).toThrow(/retired on 2026-06-01/);
    expect(catalog.get('gpt-9')).toBeUndefined();
    expect(() => catalog.require('gpt-9')).toThrow(UnknownModelError);
    expect(() => catalog.require('gpt-9')).toThrow(/unknown model "gpt-9"; valid models are: .*gpt-5\.4/);
  });

  it('offers a model until its retirement day, warns within 30 days, then retires it', () => {
    let now = new Date('2026-12-01T12:00:00Z');
    const dated = createCatalog({
      models: [entry({ id: 'old', retires_on: '2026-12-20', successor: 'new' }), entry({ id: 'new', provider_model: 'gpt-4.1' })],
      now: () => now,
    });
    expect(dated.require('old').retires_on).toBe('2026-12-20');
    expect(dated.retiringWithin(30).map((model) => model.id)).toEqual(['old']);
    expect(dated.retiringWithin(10)).toEqual([]);
    now = new Date('2026-12-20T00:00:01Z');
    expect(dated.get('old')).toBeUndefined();
    expect(() => dated.require('old')).toThrow(/retired on 2026-12-20 .*use "new"/);
  });

  it('refuses entries that would make a call or a cost quietly wrong', () => {
    expect(() => createCatalog({ models: [entry({}), entry({ provider_model: 'gpt-4.1' })] })).toThrow(/repeated: test-model/);
    expect(() => createCatalog({ models: [entry({ provider: 'mystery' })] })).toThrow(/unknown provider "mystery"/);
    expect(() => createCatalog({ models: [entry({ structured_output: 'strict_tool' })] })).toThrow(/not one the openai wire carries/);
    expect(() => createCatalog({ models: [entry({ reasoning: { control: 'anthropic_adaptive' } })] })).toThrow(/belongs to the anthropic wire/);
    expect(() => createCatalog({ models: [entry({ provider_model: 'no-such-model-anywhere' })] })).toThrow(/genai-prices has no price/);
    expect(() => createCatalog({ models: [entry({ retires_on: '2027-01-01', successor: 'nowhere' })] })).toThrow(/successor "nowhere"/);
  });

  it('merges an operator models file priced by its own entry', () => {
    const merged = loadCatalog({ extraFile: fixture('local-models.json') });
    const local = merged.require('local-llama-3.1-8b');
    expect(local).toMatchObject({ structured_output: 'prompt', price_source: 'catalog', input_usd_per_mtok: 0.2, output_usd_per_mtok: 0.6 });
    expect(merged.costUsd(local, { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(0.8, 10);
    expect(() => loadCatalog({ extraFile: fixture('duplicate-models.json') })).toThrow(/repeated: local-a/);
    expect(() => loadCatalog({ extraFile: fixture('no-such-file.json') })).toThrow(/cannot read models file .*no-such-file\.json/);
    expect(() => loadCatalog({ extraFile: fixture('synthetic-documents.ts') })).toThrow(CatalogFileError);
  });
});

describe('OpenAI-compatible endpoints', () => {
  const llama = { name: 'local-llama', base_url: 'http://127.0.0.1:8080/v1/', models: [{ id: 'qwen2.5-coder-0.5b', context_window: 32768 }] };

  it('declares an endpoint from the environment: a provider of its own, priced 0 unless told', () => {
    const endpoints = loadEndpoints({ QUARRY_ENDPOINTS: JSON.stringify([llama]) });
    expect(endpoints).toEqual([expect.objectContaining({ name: 'local-llama', baseURL: 'http://127.0.0.1:8080/v1', apiKey: 'no-key' })]);
    const catalog = loadCatalog({ endpoints });
    const model = catalog.require('qwen2.5-coder-0.5b');
    expect(model).toMatchObject({ provider: 'local-llama', wire: 'openai', provider_model: 'qwen2.5-coder-0.5b', structured_output: 'json_schema', temperature: true, input_usd_per_mtok: 0 });
    expect(catalog.costUsd(model, { inputTokens: 5000, outputTokens: 500 })).toBe(0);
    expect(catalog.providers()).toContain('local-llama');
    // The official OpenAI endpoint stays as it was, beside it.
    expect(catalog.require('gpt-5.4-mini').provider).toBe('openai');
  });

  it('reads a file, a key from another variable, and prices when given', () => {
    const file = path.join(tmpdir(), `endpoints-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: [{ name: 'gateway', base_url: 'https://gw.example/v1', api_key_env: 'GATEWAY_KEY', models: [{ id: 'gw-big', provider_model: 'big', context_window: 128000, input_usd_per_mtok: 1, output_usd_per_mtok: 2 }] }],
      }),
    );
    const endpoints = loadEndpoints({ QUARRY_ENDPOINTS_FILE: file, GATEWAY_KEY: 'secret-gateway-key' });
    expect(endpoints[0]).toMatchObject({ name: 'gateway', apiKey: 'secret-gateway-key' });
    const catalog = loadCatalog({ endpoints });
    expect(catalog.costUsd('gw-big', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(3, 10);
    expect(() => loadEndpoints({ QUARRY_ENDPOINTS_FILE: file })).toThrow(/GATEWAY_KEY is not set/);
  });

  it('refuses a bad declaration with the reason', () => {
    expect(() => loadEndpoints({ QUARRY_ENDPOINTS: '[{' })).toThrow(/not JSON/);
    expect(() => loadEndpoints({ QUARRY_ENDPOINTS: JSON.stringify([{ ...llama, name: 'openai' }]) })).toThrow(/built-in provider name/);
    expect(() => loadEndpoints({ QUARRY_ENDPOINTS: JSON.stringify([{ ...llama, base_url: 'ftp://x' }]) })).toThrow(EndpointsConfigError);
    expect(() => loadEndpoints({ QUARRY_ENDPOINTS: JSON.stringify([llama, llama]) })).toThrow(/repeated: local-llama/);
    expect(() => loadCatalog({ endpoints: loadEndpoints({ QUARRY_ENDPOINTS: JSON.stringify([{ ...llama, models: [{ id: 'gpt-5.4', context_window: 1000 }] }]) }) })).toThrow(/repeated: gpt-5\.4/);
  });
});
