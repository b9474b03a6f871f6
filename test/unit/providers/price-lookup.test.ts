import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/providers/catalog.ts';
import { callCostUsd } from '../../../src/providers/model-prices.ts';

/**
 * A call is priced against its model found once (model-prices.ts narrows the library's provider to
 * it): the figure must be the library's own full lookup's, for every model of the catalog, with
 * cached input, cache writes and a prompt past long-context tiers.
 */
describe('pricing a call against its model found once', () => {
  const usages = [
    { inputTokens: 1_200, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 0 },
    { inputTokens: 40_000, cachedInputTokens: 30_000, cacheWriteTokens: 5_000, outputTokens: 2_000, reasoningTokens: 500 },
    { inputTokens: 450_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 8_000, reasoningTokens: 0 },
  ];

  it("matches the library's full lookup for every catalog model, call after call", () => {
    const catalog = loadCatalog();
    const at = new Date();
    for (const model of catalog.list().filter((entry) => !entry.prices)) {
      for (const usage of [...usages, ...usages]) {
        const full = calcPrice(
          { input_tokens: usage.inputTokens, cache_read_tokens: usage.cachedInputTokens, cache_write_tokens: usage.cacheWriteTokens, output_tokens: usage.outputTokens },
          model.price_model ?? model.provider_model,
          { providerId: model.provider, timestamp: at },
        );
        expect(callCostUsd(model, usage, at), model.id).toBeCloseTo(full!.total_price, 12);
      }
    }
  });
});
