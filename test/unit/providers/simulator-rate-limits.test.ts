import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/providers/catalog.ts';
import { FaultsConfigError } from '../../../src/providers/simulator/faults.ts';
import { parseSimulatorRateLimits, SimulatedRateLimits } from '../../../src/providers/simulator/rate-limits.ts';

describe('the simulator’s rate limits', () => {
  it('admits a second’s worth at once, then one per interval, and says how long until the next', () => {
    let now = 0;
    const limits = new SimulatedRateLimits({ 'gpt-4o': { rpm: 300 } }, () => now); // 5 a second, one per 200 ms
    for (let n = 0; n < 5; n += 1) expect(limits.admit('gpt-4o')).toEqual({ admitted: true });
    expect(limits.admit('gpt-4o')).toEqual({ admitted: false, retryAfterMs: 200, rpm: 300 });
    now = 150;
    expect(limits.admit('gpt-4o')).toMatchObject({ admitted: false, retryAfterMs: expect.closeTo(50, 6) });
    now = 200;
    expect(limits.admit('gpt-4o')).toEqual({ admitted: true });
    // A model without a limit, and a bucket that stays full however long it was idle.
    expect(limits.admit('gpt-4.1')).toEqual({ admitted: true });
    now = 3_600_000;
    for (let n = 0; n < 5; n += 1) expect(limits.admit('gpt-4o').admitted).toBe(true);
    expect(limits.admit('gpt-4o').admitted).toBe(false);
  });

  it('refuses malformed limits and unknown models', () => {
    const catalog = loadCatalog();
    expect(parseSimulatorRateLimits('{"gpt-4o": {"rpm": 60}}', catalog)).toEqual({ 'gpt-4o': { rpm: 60 } });
    expect(parseSimulatorRateLimits('', catalog)).toEqual({});
    expect(() => parseSimulatorRateLimits('{"gpt-4o": {"rpm": 0}}', catalog)).toThrow(FaultsConfigError);
    expect(() => parseSimulatorRateLimits('{"gpt-17": {"rpm": 60}}', catalog)).toThrow(/unknown models gpt-17/);
    expect(() => parseSimulatorRateLimits('not json', catalog)).toThrow(/not JSON/);
  });
});
