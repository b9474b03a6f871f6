import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/providers/catalog.ts';
import { limitsFromHeaders, parseResetDuration, retryAfterMsFromHeaders } from '../../../src/providers/rate-limit-headers.ts';
import { anthropicThinking, effectiveLevel, fitsContext, outputBudget, REASONING_ALLOWANCE } from '../../../src/providers/reasoning.ts';

const catalog = loadCatalog();

describe('output budget', () => {
  it('leaves room for reasoning above the answer, within the model’s limit', () => {
    const model = catalog.require('gpt-5.4-mini');
    const off = outputBudget(model, 'off', 10, 1);
    const low = outputBudget(model, 'low', 10, 1);
    expect(low.maxOutputTokens - off.maxOutputTokens).toBe(REASONING_ALLOWANCE.low);
    expect(outputBudget(model, 'high', 10, 1).maxOutputTokens).toBeGreaterThan(low.maxOutputTokens);
    // A model that does not reason gets no allowance at any level.
    const plain = catalog.require('gpt-4.1-mini');
    expect(outputBudget(plain, 'high', 10, 1).maxOutputTokens).toBe(outputBudget(plain, 'off', 10, 1).maxOutputTokens);
  });

  it('doubles with each attempt, so a truncated answer is only retried with more room, until the limit', () => {
    const model = catalog.require('gpt-4o-mini');
    const caps = [1, 2, 3, 4, 5].map((attempt) => outputBudget(model, 'low', 40, attempt));
    for (let index = 1; index < caps.length; index += 1) expect(caps[index]!.maxOutputTokens).toBeGreaterThanOrEqual(caps[index - 1]!.maxOutputTokens);
    expect(caps[1]!.maxOutputTokens).toBe(Math.min(model.max_output_tokens, caps[0]!.maxOutputTokens * 2));
    expect(caps.at(-1)!.maxOutputTokens).toBe(model.max_output_tokens);
    expect(caps.at(-1)!.canGrow).toBe(false);
    expect(caps[0]!.canGrow).toBe(true);
  });

  it('maps off to the least a model allows', () => {
    expect(effectiveLevel(catalog.require('gemini-3.1-pro'), 'off')).toBe('low');
    expect(effectiveLevel(catalog.require('gemini-3.5-flash'), 'off')).toBe('off');
    expect(effectiveLevel(catalog.require('gpt-4.1'), 'high')).toBe('off');
  });

  it('keeps an Anthropic thinking budget at least 1024 and below max_tokens', () => {
    const haiku = catalog.require('claude-haiku-4-5');
    for (const level of ['low', 'medium', 'high'] as const) {
      const { maxOutputTokens } = outputBudget(haiku, level, 8, 1);
      const thinking = anthropicThinking(haiku, level, maxOutputTokens);
      expect(thinking?.thinking.type).toBe('enabled');
      if (thinking?.thinking.type === 'enabled') {
        expect(thinking.thinking.budget_tokens).toBeGreaterThanOrEqual(1024);
        expect(thinking.thinking.budget_tokens).toBeLessThan(maxOutputTokens);
      }
    }
    expect(anthropicThinking(catalog.require('claude-opus-4-7'), 'medium', 20_000)).toEqual({ thinking: { type: 'adaptive' }, effort: 'medium' });
  });

  it('fits a prompt within the input limit with room for an answer', () => {
    const gpt5 = catalog.require('gpt-5-mini');
    // gpt-5 models take at most 272k input tokens of their 400k window.
    expect(fitsContext(gpt5, 270_000)).toBe(true);
    expect(fitsContext(gpt5, 300_000)).toBe(false);
    const haiku = catalog.require('claude-haiku-4-5');
    expect(fitsContext(haiku, haiku.context_window - 10)).toBe(false);
  });
});

describe('rate-limit waits', () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it('reads OpenAI’s reset durations', () => {
    expect(parseResetDuration('1s')).toBe(1000);
    expect(parseResetDuration('6m0s')).toBe(360_000);
    expect(parseResetDuration('20ms')).toBe(20);
    expect(parseResetDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetDuration('soon')).toBeUndefined();
  });

  it('waits for the limit that is exhausted, else the longer one', () => {
    const both = { 'x-ratelimit-reset-requests': '2s', 'x-ratelimit-reset-tokens': '45s' };
    expect(retryAfterMsFromHeaders(headers({ ...both, 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '500' }))).toBe(2000);
    expect(retryAfterMsFromHeaders(headers({ ...both, 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-remaining-tokens': '0' }))).toBe(45_000);
    expect(retryAfterMsFromHeaders(headers(both))).toBe(45_000);
  });

  it('prefers an explicit Retry-After', () => {
    expect(retryAfterMsFromHeaders(headers({ 'retry-after-ms': '250', 'x-ratelimit-reset-tokens': '45s' }))).toBe(250);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': 'Wed, 02 Dec 2026 00:00:10 GMT' }), Date.parse('Wed, 02 Dec 2026 00:00:00 GMT'))).toBe(10_000);
    expect(retryAfterMsFromHeaders(headers({}))).toBeUndefined();
  });

  it('reads Anthropic’s reset times when a 429 has no Retry-After: the exhausted limit’s, else the latest', () => {
    const now = Date.parse('2026-12-02T00:00:00Z');
    const resets = {
      'anthropic-ratelimit-requests-reset': '2026-12-02T00:00:02Z',
      'anthropic-ratelimit-input-tokens-reset': '2026-12-02T00:00:30Z',
    };
    expect(retryAfterMsFromHeaders(headers({ ...resets, 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-input-tokens-remaining': '900' }), now)).toBe(2000);
    expect(retryAfterMsFromHeaders(headers(resets), now)).toBe(30_000);
    expect(retryAfterMsFromHeaders(headers({ ...resets, 'retry-after': '5' }), now)).toBe(5000);
  });

  it('reads the per-minute limits a response names', () => {
    expect(limitsFromHeaders(headers({ 'x-ratelimit-limit-requests': '500', 'x-ratelimit-limit-tokens': '200000' }))).toEqual({ rpm: 500, tpm: 200_000 });
    expect(limitsFromHeaders(headers({ 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-input-tokens-limit': '30000' }))).toEqual({ rpm: 50, tpm: 30_000 });
    expect(limitsFromHeaders(headers({ 'x-ratelimit-limit-requests': 'lots' }))).toBeUndefined();
  });
});
