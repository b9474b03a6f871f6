import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CatalogFileError, loadCatalog, UnknownModelError } from '../../../src/providers/catalog.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/providers/${name}`, import.meta.url));

const EXPECTED_IDS = [
  'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini', 'o3', 'o4-mini',
  'claude-4-opus', 'claude-opus-4-1', 'claude-sonnet-4', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-3-5-haiku',
  'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.0-flash',
];

describe('model catalog', () => {
  const catalog = loadCatalog();

  it('has every built-in model once, each with its own provider model', () => {
    const ids = catalog.list().map((model) => model.id);
    expect(ids.sort()).toEqual([...EXPECTED_IDS].sort());
    const providerModels = catalog.list().map((model) => `${model.provider}/${model.provider_model}`);
    expect(new Set(providerModels).size).toBe(providerModels.length);
    expect(catalog.require('claude-4-opus').provider_model).toBe('claude-opus-4-20250514');
  });

  it('rates big models more accurate than small ones', () => {
    const accuracy = (id: string) => catalog.require(id).simulated_profile.accuracy;
    expect(accuracy('claude-opus-4-1')).toBeGreaterThan(accuracy('claude-3-5-haiku') + 0.1);
    expect(accuracy('gpt-5')).toBeGreaterThan(accuracy('gpt-5-nano') + 0.1);
    expect(accuracy('gemini-2.5-pro')).toBeGreaterThan(accuracy('gemini-2.5-flash-lite') + 0.1);
  });

  it('names the valid ids when a model is unknown', () => {
    expect(catalog.get('gpt-6')).toBeUndefined();
    expect(() => catalog.require('gpt-6')).toThrow(UnknownModelError);
    expect(() => catalog.require('gpt-6')).toThrow(/unknown model "gpt-6"; valid models are: .*gpt-4o.*gemini-2\.5-pro/);
  });

  it('prices a call from the list prices', () => {
    // gpt-4o: $2.50 in, $10.00 out per million tokens.
    expect(catalog.costUsd('gpt-4o', 1_000_000, 0)).toBeCloseTo(2.5, 10);
    expect(catalog.costUsd(catalog.require('gpt-4o'), 2000, 500)).toBeCloseTo(0.005 + 0.005, 10);
    expect(catalog.costUsd('claude-4-opus', 0, 1_000_000)).toBeCloseTo(75, 10);
  });

  it('finds a model by provider and provider model', () => {
    expect(catalog.findByProviderModel('anthropic', 'claude-opus-4-1-20250805')?.id).toBe('claude-opus-4-1');
    expect(catalog.findByProviderModel('openai', 'claude-opus-4-1-20250805')).toBeUndefined();
  });

  it('merges a user models file', () => {
    const merged = loadCatalog({ extraFile: fixture('local-models.json') });
    expect(merged.list()).toHaveLength(EXPECTED_IDS.length + 1);
    expect(merged.require('local-llama-3.1-8b').structured_output).toBe(false);
    expect(merged.findByProviderModel('openai', 'llama3.1:8b')?.id).toBe('local-llama-3.1-8b');
  });

  it('rejects a user file that repeats an id, naming it', () => {
    expect(() => loadCatalog({ extraFile: fixture('duplicate-models.json') })).toThrow(CatalogFileError);
    expect(() => loadCatalog({ extraFile: fixture('duplicate-models.json') })).toThrow(/repeats model ids: local-a/);
  });

  it('rejects a missing or invalid user file with its path', () => {
    expect(() => loadCatalog({ extraFile: fixture('no-such-file.json') })).toThrow(/cannot read models file .*no-such-file\.json/);
    expect(() => loadCatalog({ extraFile: fixture('synthetic-documents.ts') })).toThrow(CatalogFileError);
  });
});
